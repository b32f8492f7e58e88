using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MemOS.Dashboard.Tests;

/// <summary>The <c>/dashboard</c> page of a real silo, over HTTP and in headless Chromium.</summary>
public sealed partial class DashboardPageTests(DashboardSiloFixture fixture) : IClassFixture<DashboardSiloFixture>
{
    // The page polls every 2 s; this only bounds a failing wait.
    private static readonly LocatorAssertionsToHaveTextOptions Within15s = new() { Timeout = 15_000 };
    private static readonly LocatorAssertionsToContainTextOptions Contains15s = new() { Timeout = 15_000 };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dashboard_Get_ServesSelfContainedHtmlUnderAStrictContentSecurityPolicy()
    {
        using var response = await fixture.Http.GetAsync("dashboard", Cancel);
        var html = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", csp, StringComparison.Ordinal);
        Assert.Matches("script-src 'sha256-[A-Za-z0-9+/=]+';", csp);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Empty(ExternalReference().Matches(html));
        foreach (var markupSink in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(" })
        {
            Assert.DoesNotContain(markupSink, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Dashboard_InChromium_ShowsLiveFiguresThatFollowApiCallsWithoutReloading()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.PageAsync();
        var pageErrors = CollectErrors(page);

        var navigation = await page.GotoAsync(fixture.DashboardAddress.ToString());
        Assert.Equal(200, navigation?.Status);
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("live", Within15s);

        using var overview = JsonDocument.Parse(await fixture.Http.GetStringAsync("v1/admin/overview", Cancel));
        var root = overview.RootElement;
        await Expect(page.GetByTestId("silo-id")).ToHaveTextAsync(root.GetProperty("silo").GetProperty("id").GetString()!, Within15s);
        await Expect(page.GetByTestId("silo-count")).ToHaveTextAsync("1", Within15s);
        await Expect(page.GetByTestId("embedder-model"))
            .ToHaveTextAsync(root.GetProperty("scheduler").GetProperty("embedderModel").GetString()!, Within15s);
        await Expect(page.GetByTestId("silo-row")).ToHaveCountAsync(1);
        var cubesBefore = await FigureAsync(page, "cube-count");
        var searchesBefore = await FigureAsync(page, "scheduler-searches");
        var addsBefore = await FigureAsync(page, "scheduler-adds");
        var addedBefore = await FigureAsync(page, "scheduler-memories-added");
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        const string Secret = "Zanzibar-counseling-secret-7731";
        var user = "u" + Guid.NewGuid().ToString("N")[..12];
        var added = await fixture.Client.AddAsync(new AddMemoriesRequest(user,
        [
            new ConversationMessage("D1:1", "Caroline", $"I went to a support group yesterday ({Secret}).", null),
            new ConversationMessage("D1:2", "Melanie", "That sounds great! I'm painting a sunrise over the lake.", null),
            new ConversationMessage("D1:3", "Caroline", "I want to study counseling and mental health next year.", null),
        ], "conv-dashboard"), Cancel);
        await fixture.Client.SearchAsync(new SearchRequest(user, "What did Caroline want to study?"), Cancel);
        // The reader may store more cubes than messages (a message split into utterances): expect what the API counts.
        using var after = JsonDocument.Parse(await fixture.Http.GetStringAsync("v1/admin/overview", Cancel));
        var cubes = after.RootElement.GetProperty("cubes").EnumerateArray().ToList();
        var cubesAfter = cubes.Sum(c => c.GetProperty("count").GetInt64());
        var activatedAfter = cubes.Where(c => c.GetProperty("state").GetString() == "Activated").Sum(c => c.GetProperty("count").GetInt64());
        Assert.True(cubesAfter >= cubesBefore + 3, $"3 messages took the census from {cubesBefore} to {cubesAfter} cubes");

        await Expect(page.GetByTestId("cube-count")).ToHaveTextAsync(Format(cubesAfter), Within15s);
        await Expect(page.GetByTestId("scheduler-searches")).ToHaveTextAsync(Format(searchesBefore + 1), Within15s);
        await Expect(page.GetByTestId("scheduler-adds")).ToHaveTextAsync(Format(addsBefore + 1), Within15s);
        await Expect(page.GetByTestId("scheduler-memories-added")).ToHaveTextAsync(Format(addedBefore + cubesAfter - cubesBefore), Within15s);
        await Expect(page.GetByTestId("cubes-state-activated")).ToHaveTextAsync(Format(activatedAfter), Within15s);
        await Expect(page.GetByTestId("cubes-kind-turn")).Not.ToHaveTextAsync("0");
        var cubeId = added.Memories.First(m => m.Created).Memory.Id;
        var eventRows = page.GetByTestId("event-row").Filter(new LocatorFilterOptions { HasText = cubeId });
        await Expect(eventRows.Filter(new LocatorFilterOptions { HasText = "Generated→Activated" })).ToHaveCountAsync(1);
        await Expect(eventRows.Filter(new LocatorFilterOptions { HasText = "(new)→Generated" })).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("tenant-row")).ToContainTextAsync("default", Contains15s);

        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page must update in place, not reload");
        Assert.DoesNotContain(Secret, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.True(pageErrors.Count == 0, string.Join("\n", pageErrors));

        var screenshot = Path.Combine(RepositoryLayout.ArtifactsDirectory, "screenshots", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        var bytes = await File.ReadAllBytesAsync(screenshot, Cancel);
        Assert.True(bytes.Length > 1000, $"{screenshot} holds {bytes.Length} bytes");
        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], bytes[..8]);
        TestContext.Current.AddAttachment("dashboard screenshot", screenshot);
    }

    [Fact]
    public async Task Dashboard_InChromium_InsertsServerDataAsTextNeverAsMarkup()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.PageAsync();
        var pageErrors = CollectErrors(page);
        const string Tenant = "<img src=x onerror=\"window.__injected=1\">";
        const string Kind = "<b>bold</b>";
        const string GrainType = "\"><svg onload=\"window.__injected=2\">";
        const string SiloId = "<script>window.__injected=3</script>";
        var overview = new JsonObject
        {
            ["generatedAt"] = "2026-01-02T03:04:05Z",
            ["silo"] = Silo(SiloId),
            ["silos"] = new JsonArray(Silo(SiloId)),
            ["activations"] = new JsonArray(new JsonObject { ["grainType"] = GrainType, ["count"] = 7 }),
            ["cubes"] = new JsonArray(
                new JsonObject { ["tenantId"] = Tenant, ["kind"] = Kind, ["state"] = "Activated", ["count"] = 40 },
                new JsonObject { ["tenantId"] = Tenant, ["kind"] = Kind, ["state"] = "Archived", ["count"] = 2 }),
            ["scheduler"] = new JsonObject { ["searches"] = 12, ["adds"] = 3, ["memoriesAdded"] = 9, ["embedderModel"] = "<i>model</i>" },
            ["recentEvents"] = new JsonArray(new JsonObject
            {
                ["at"] = "2026-01-02T03:04:00Z", ["tenantId"] = Tenant, ["cubeId"] = "<u>cube</u>", ["kind"] = Kind,
                ["from"] = "Activated", ["to"] = "Archived",
            }),
        };
        await page.RouteAsync("**/v1/admin/overview", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200, ContentType = "application/json", Body = overview.ToJsonString(),
        }));

        await page.GotoAsync(fixture.DashboardAddress.ToString());
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("live", Within15s);

        await Expect(page.GetByTestId("silo-id")).ToHaveTextAsync(SiloId);
        await Expect(page.GetByTestId("tenant-row")).ToContainTextAsync(Tenant);
        await Expect(page.GetByTestId("activations-row")).ToContainTextAsync(GrainType);
        await Expect(page.GetByTestId("event-row")).ToContainTextAsync("<u>cube</u>");
        await Expect(page.GetByTestId("embedder-model")).ToHaveTextAsync("<i>model</i>");
        await Expect(page.GetByTestId("cube-count")).ToHaveTextAsync("42");
        await Expect(page.GetByTestId("cubes-state-archived")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("activation-count")).ToHaveTextAsync("7");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.querySelectorAll('main img, main svg, main b, main i, main u, header script').length"));
        Assert.True(await page.EvaluateAsync<bool>("() => window.__injected === undefined"), "server data ran as script");
        Assert.True(pageErrors.Count == 0, string.Join("\n", pageErrors));
    }

    [Fact]
    public async Task Dashboard_InChromium_SaysUnreachableWhileTheOverviewFailsThenRecovers()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.PageAsync();
        await page.RouteAsync("**/v1/admin/overview", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 503, ContentType = "application/problem+json", Body = "{}",
        }));

        await page.GotoAsync(fixture.DashboardAddress.ToString());
        var status = page.GetByTestId("status");
        await Expect(status).ToHaveTextAsync(new Regex("^unreachable \\(HTTP 503"), Within15s);
        await Expect(status).ToHaveAttributeAsync("data-state", "unreachable");

        await page.UnrouteAsync("**/v1/admin/overview");
        await Expect(status).ToHaveTextAsync("live", Within15s);
        await Expect(page.GetByTestId("silo-count")).ToHaveTextAsync("1");
    }

    private static JsonObject Silo(string id) => new()
    {
        ["id"] = id, ["address"] = "http://10.0.0.1:8080", ["status"] = "active", ["startedAt"] = "2026-01-02T02:03:04Z", ["version"] = "1.0.0",
    };

    private static List<string> CollectErrors(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add($"{message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        return errors;
    }

    private static async Task<long> FigureAsync(IPage page, string testId)
        => long.Parse(await page.GetByTestId(testId).InnerTextAsync(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    private static string Format(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    [GeneratedRegex("""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
