using Analytics.Auth;
using Analytics.Consent;
using Analytics.Crm;
using Analytics.Crm.Surveys;
using Analytics.Customers;
using Analytics.Demo;
using Analytics.Enrichment;
using Analytics.Identity;
using Analytics.Import;
using Analytics.Ingestion;
using Analytics.Observability;
using Analytics.Privacy;
using Analytics.Reports;
using Analytics.Sessions;
using Analytics.Shared;
using Analytics.Sites;
using Analytics.Storage;
using Analytics.Tools;
using Analytics.Tracker;

if (StorageCli.TryRun(args, out var exitCode)) return exitCode;

// appsettings.json sits beside the app, not in the working directory (./run.sh starts from the repository root).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddHosting();
builder.AddObservability();
builder.AddStorage();
builder.AddAuth();
builder.AddSites();
builder.AddEnrichment();
builder.AddIngestion();
builder.AddConsent();
builder.AddIdentity();
builder.AddSurveys();
builder.AddSessions();
builder.AddImport();
builder.AddCrm();
builder.AddCustomers();
builder.AddReports();
builder.AddPrivacy();
builder.AddDemo();

var app = builder.Build();
app.UseHosting();
app.MapObservability();
app.MapAuth();
app.MapSites();
app.MapIngestion();
app.MapImport();
app.MapCrm();
app.MapCustomers();
app.MapReports();
app.MapTools();
app.MapConsent();
app.MapPrivacy();
app.MapTracker();
Analytics.Dashboard.DashboardApp.MapDashboard(app); // the web app at / (dashboards/web)
app.Run();
return Analytics.Storage.Embedded.NativeExit.LeaveService(0);

public partial class Program;
