using Boomerang.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace Boomerang.UnitTests.Dedup2D;

public sealed class DwgConverterSettingTests
{
    [Fact]
    public void The_seed_DWG_CONVERTER_variable_sets_the_built_in_engine_converter_unless_the_Boomerang_name_is_set()
    {
        var seedOnly = new Dictionary<string, string> { ["DWG_CONVERTER"] = "dwg2dxf {input} {output}" };
        var both = new Dictionary<string, string>
        {
            ["DWG_CONVERTER"] = "dwg2dxf {input} {output}",
            ["Boomerang__Dedup2D__BuiltIn__DwgConverter"] = "oda {input} {output}",
        };

        var fromSeed = new ConfigurationBuilder().AddSeedAliases(n => seedOnly.GetValueOrDefault(n)).Build();
        var fromBoth = new ConfigurationBuilder().AddSeedAliases(n => both.GetValueOrDefault(n)).Build();

        Assert.Equal("dwg2dxf {input} {output}", fromSeed["Boomerang:Dedup2D:BuiltIn:DwgConverter"]);
        Assert.Null(fromBoth["Boomerang:Dedup2D:BuiltIn:DwgConverter"]);
    }
}
