using Analytics.Auth;
using Analytics.Ingestion;
using Analytics.Observability;
using Analytics.Shared;
using Analytics.Sites;
using Analytics.Storage;

if (StorageCli.TryRun(args, out var exitCode)) return exitCode;

var builder = WebApplication.CreateBuilder(args);
builder.AddHosting();
builder.AddObservability();
builder.AddStorage();
builder.AddAuth();
builder.AddSites();
builder.AddIngestion();

var app = builder.Build();
app.UseHosting();
app.MapObservability();
app.MapAuth();
app.MapSites();
app.MapIngestion();
app.Run();
return 0;

public partial class Program;
