using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Tally.Functions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.AddTally();
builder.Build().Run();
