using MemOS.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMemOSSilo();
var app = builder.Build();
app.MapMemOSSilo();
await app.RunAsync();
