using MemOS.Cli;

return await MemosCommandLine.Build().Parse(args).InvokeAsync();
