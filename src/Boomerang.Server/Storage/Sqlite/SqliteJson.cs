using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Boomerang.Server.Storage.Sqlite;

/// <summary>Many rows as one bound value: a JSON array a statement reads with <c>json_each</c>, so a batch is one
/// statement instead of one per row (SQLite has no array parameters).</summary>
internal static class SqliteJson
{
    public static string Rows<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var item in items)
            {
                json.WriteStartObject();
                write(json, item);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
