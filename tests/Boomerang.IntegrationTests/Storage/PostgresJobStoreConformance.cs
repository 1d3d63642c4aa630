using Boomerang.Server.Storage;

namespace Boomerang.IntegrationTests.Storage;

/// <summary>The conformance suite on a real PostgreSQL server, each test in a fresh schema.</summary>
public sealed class PostgresJobStoreConformance() : JobStoreConformance(new PostgresTestStore());
