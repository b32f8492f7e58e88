using MemOS.Silo.Hosting;
using MemOS.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MemOS.Dashboard.Tests;

/// <summary>The dashboard of a silo that requires API keys, in headless Chromium: without the cluster admin key it says
/// what it needs and shows no data; given the key in the URL fragment (never sent to the server) it goes live, and the
/// fragment leaves the address bar.</summary>
public sealed class DashboardWithKeysTests
{
    private const string AdminKey = "dashboard-test-admin-key-0123456789";

    private static readonly LocatorAssertionsToHaveTextOptions Within15s = new() { Timeout = 15_000 };

    [Fact]
    public async Task KeyRequiringSilo_DashboardIsLockedWithoutTheKey_AndLiveWithItInTheFragment()
    {
        using var data = new TempDatabase();
        await using var silo = await EmbeddedSilo.StartAsync(data.Directory, configure: b => b.Configuration["MemOS:Auth:AdminKey"] = AdminKey,
            cancellationToken: TestContext.Current.CancellationToken);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var dashboard = new Uri(silo.BaseAddress, "dashboard");

        var locked = await chromium.PageAsync();
        await locked.GotoAsync(dashboard.ToString());
        await Expect(locked.GetByTestId("status")).ToHaveTextAsync("needs the cluster admin key: open /dashboard#key=<MEMOS_ADMIN_KEY>", Within15s);
        await Expect(locked.GetByTestId("silo-row")).ToHaveCountAsync(0);

        var page = await chromium.Context.NewPageAsync(); // a new tab: sessionStorage is per tab
        var overviewRequests = new List<IRequest>();
        page.Request += (_, request) => overviewRequests.Add(request);
        await page.GotoAsync(dashboard + "#key=" + AdminKey);
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("live", Within15s);
        await Expect(page.GetByTestId("silo-row")).ToHaveCountAsync(1);
        Assert.DoesNotContain("key=", page.Url, StringComparison.Ordinal);
        Assert.All(overviewRequests, r => Assert.DoesNotContain(AdminKey, r.Url, StringComparison.Ordinal));
    }
}
