using Microsoft.Playwright;

namespace MemOS.Dashboard.Tests;

/// <summary>Debian's Chromium (<c>/usr/bin/chromium</c>) driven headless by Playwright, in a fresh profile; Playwright
/// downloads no browser of its own. Tests skip, saying why, when Chromium is not installed.</summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    // Flags for a root user in a container, with nothing that reaches outside the loopback silo.
    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;
    private readonly string _profileDirectory;

    private HeadlessChromium(IPlaywright playwright, IBrowserContext context, string profileDirectory)
    {
        _playwright = playwright;
        Context = context;
        _profileDirectory = profileDirectory;
    }

    public IBrowserContext Context { get; }

    /// <summary>Launches Chromium, skipping the test when it is absent.</summary>
    public static async Task<HeadlessChromium> LaunchAsync()
    {
        Assert.SkipUnless(File.Exists(ExecutablePath),
            $"Chromium is not installed at {ExecutablePath}: `./memos test` installs it with apt (apt-get install --no-install-recommends chromium).");
        var profile = Path.Combine(Path.GetTempPath(), "memos-chromium-" + Guid.NewGuid().ToString("N")[..10]);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Arguments,
                ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
                Timeout = 60_000,
            });
            return new HeadlessChromium(playwright, context, profile);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>The page the browser opened with, or a new one.</summary>
    public async Task<IPage> PageAsync() => Context.Pages.Count > 0 ? Context.Pages[0] : await Context.NewPageAsync();

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        _playwright.Dispose();
        try
        {
            Directory.Delete(_profileDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
