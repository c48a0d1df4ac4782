using Analytics.Bench;
using Analytics.Bench.Crm;
using Analytics.Bench.Customers;
using Analytics.Bench.Ingest;
using Analytics.Bench.Reports;

return args.FirstOrDefault() switch
{
    "enrich" => EnrichBench.Run(args.Skip(1).ToArray()),
    "import" => await ImportBench.Run(args.Skip(1).ToArray()),
    "crm-import" => await CrmImportBench.Run(args.Skip(1).ToArray()),
    "sessions" => await SessionsBench.Run(args.Skip(1).ToArray()),
    "erasure" => Analytics.Storage.Embedded.NativeExit.Leave(await ErasureBench.Run(args.Skip(1).ToArray())), // past chDB's teardown
    "customers" => await CustomersBench.Run(args.Skip(1).ToArray()),
    "customers-load" => Analytics.Storage.Embedded.NativeExit.Leave(await CustomersLoad.Run(args.Skip(1).ToArray())), // the customers bench's loader, as its child process
    "crm" => await CrmBench.Run(args.Skip(1).ToArray()),
    "reports" => await ReportsBench.Run(args.Skip(1).ToArray()),
    "reports-load" => Analytics.Storage.Embedded.NativeExit.Leave(await ReportsBench.Load(args.Skip(1).ToArray())), // the reports bench's loader, as its child process, past chDB's teardown
    "geo" => GeoBench.Run(args.Length > 1 ? args[1] : "tests/Analytics.Tests/TestData/maxmind/GeoIP2-City-Test.mmdb"),
    "ingest" => IngestBench.Run(args.Skip(1).ToArray()),
    "soak" => SoakBench.Run(args.Skip(1).ToArray()),
    "cluster-load" => Analytics.Bench.Cluster.ClusterLoadBench.Run(args.Skip(1).ToArray()), // scripts/cluster.sh failover|soak start it
    "long-ua" => LongUserAgentBench.Run(args.Skip(1).ToArray()),
    "slow-body" => SlowBodyBench.Run(args.Skip(1).ToArray()),
    "empty-endpoint" => EmptyEndpoint.Run(args.Skip(1).ToArray()), // the ingest bench's baseline A, as its child process
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project bench/Analytics.Bench -- enrich [--geoip FILE.mmdb] [--events N] [--compare-compiled]
               dotnet run -c Release --project bench/Analytics.Bench -- geo [FILE.mmdb]
               dotnet run -c Release --project bench/Analytics.Bench -- sessions [--events 1000000] [--days 28] [--engines embedded,server] [--runs 3]
               dotnet run -c Release --project bench/Analytics.Bench -- erasure [--events 1000000] [--days 28] [--engines embedded,server]
               dotnet run -c Release --project bench/Analytics.Bench -- customers [--events 10000000] [--customers 100000] [--days 28] [--engines embedded,server] [--requests 300] [--list-requests N] [--load-only]
               dotnet run -c Release --project bench/Analytics.Bench -- crm [--events 10000000] [--customers 100000] [--days 28] [--engines embedded,server] [--requests 20]
               dotnet run -c Release --project bench/Analytics.Bench -- reports [--events 1000000[,10000000,50000000]] [--engines embedded,server] [--requests 20] [--floor-runs 10] [--days 28]
               dotnet run -c Release --project bench/Analytics.Bench -- ingest [--seconds N] [--warmup N] [--connections C] [--engines embedded,server] [--raw-rows N] [--raw-batch N] [--set Key=Value]… [--service DLL]
               dotnet run -c Release --project bench/Analytics.Bench -- import [--lines N] [--warmup N] [--pages-only] [--geoip FILE] [--clickhouse CONNECTION]
               dotnet run -c Release --project bench/Analytics.Bench -- crm-import [--customers N] [--orders N] [--formats json,csv] [--clickhouse CONNECTION]
               dotnet run -c Release --project bench/Analytics.Bench -- soak [--minutes 5] [--engine embedded|server] [--events 20] [--connections 4]
               scripts/cluster.sh failover|soak   (cluster-load --url LB --site KEY --token T --clickhouse URL --database DB [--pid-files F,F] [--rate 1000] [--seconds 60] [--events 10] [--connections 16] [--at SEC:COMMAND]… [--report-at SEC]…)
               dotnet run -c Release --project bench/Analytics.Bench -- long-ua [--requests 100] [--events 500] [--ua-length 1100] [--service DLL]
               dotnet run -c Release --project bench/Analytics.Bench -- slow-body [--connections 2000] [--rate 300] [--seconds 30] [--declared 262144] [--set Key=Value]… [--service DLL]
        """);
    return 2;
}
