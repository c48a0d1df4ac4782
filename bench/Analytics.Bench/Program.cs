using Analytics.Bench;

return args.FirstOrDefault() switch
{
    "enrich" => EnrichBench.Run(args.Skip(1).ToArray()),
    "import" => await ImportBench.Run(args.Skip(1).ToArray()),
    "geo" => GeoBench.Run(args.Length > 1 ? args[1] : "../shared/data/maxmind/GeoIP2-City-Test.mmdb"),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Analytics.Bench -- enrich [--geoip FILE.mmdb] [--events N] [--compare-compiled]\n       dotnet run -c Release --project bench/Analytics.Bench -- geo [FILE.mmdb]");
    return 2;
}
