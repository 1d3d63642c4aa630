using Boomerang.Server.Storage;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>The conformance suite on a real redis-server (AOF on), each test under a fresh key prefix.</summary>
public sealed class RedisJobStoreConformance() : JobStoreConformance(new RedisTestStore());
