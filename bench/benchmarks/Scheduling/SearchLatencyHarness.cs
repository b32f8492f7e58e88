using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using MemOS.Grains.Interfaces;
using MemOS.Grains.Interfaces.Grains;
using MemOS.Grains.Interfaces.Memories;
using MemOS.Grains.Interfaces.Search;
using MemOS.Grains.Memories;
using MemOS.Grains.Reader;
using MemOS.Grains.Retrieval;
using MemOS.Grains.Retrieval.Vectors;
using MemOS.Grains.Scheduling;
using MemOS.Inference.Embeddings.Glove;
using Microsoft.Extensions.Options;

namespace MemOS.Benchmarks.Scheduling;

/// <summary>End-to-end search latency for one user (<c>search-latency</c>): the real MemScheduler grain on the real
/// grain runtime (in-memory storage), the real GloVe/SIF embedder, memories added through
/// <see cref="IMemSchedulerGrain.AddMessagesAsync"/> one conversation (500 messages) per call, grown through each
/// requested size. At each size it times many searches through the grain, three configurations interleaved (top 10
/// without a budget; a 1,000-token budget with the REST default of 200 candidates; top 10 with a kinds filter that
/// admits every memory, which times what a filter costs), and then, for a breakdown, the
/// parts of a search alone on the same data: query embedding, BM25, the dense scan (both with the scheduler's
/// candidate pool) and a plain grain call.</summary>
/// <remarks>A Stopwatch harness rather than BenchmarkDotNet: the state (100,000 MemCube activations) is too costly
/// to rebuild per benchmark process. Latencies are per call, so percentiles are of single searches.</remarks>
public static class SearchLatencyHarness
{
    private const string Tenant = "bench";

    private static readonly (string Name, Func<string, MemorySearchQuery> Build)[] Configurations =
    [
        ("top10", q => new MemorySearchQuery(q, 10, null)),
        ("budget1000", q => new MemorySearchQuery(q, 200, 1000)),
        // Admits every memory (all are turns or utterances), so it finds what top10 finds: it times the filter alone.
        ("top10-filtered", q => new MemorySearchQuery(q, 10, null, new SearchFilters(Kinds: [MemoryKinds.Utterance, MemoryKinds.Turn]))),
    ];

    /// <summary>Runs the harness and prints the figures.</summary>
    /// <param name="args">The arguments after <c>search-latency</c> (<see cref="SearchLatencyOptions.Usage"/>).</param>
    /// <returns>The exit code: 0, or 2 for bad arguments.</returns>
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        SearchLatencyOptions options;
        try
        {
            options = SearchLatencyOptions.Parse(args);
        }
        catch (ArgumentException error)
        {
            await Console.Error.WriteLineAsync(error.Message);
            return 2;
        }

        var started = Stopwatch.GetTimestamp();
        var vectors = GloveAssets.Load();
        var embedder = new GloveSifEmbedder(vectors);
        Console.WriteLine($"GloVe loaded: {vectors.Count:N0} words x {vectors.Dimension} in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");

        BenchmarkCorpus corpus;
        if (options.Corpus == "locomo")
        {
            var path = options.LoCoMoPath ?? LoCoMoCorpus.FindDefault();
            if (path is null || !File.Exists(path))
            {
                Console.WriteLine($"Skipped: no LoCoMo file at {path ?? LoCoMoCorpus.DefaultRelativePath} (pass --locomo <path>).");
                return 0;
            }

            corpus = LoCoMoCorpus.Load(path);
        }
        else
        {
            var synthetic = new SyntheticConversations(vectors.Words);
            corpus = new BenchmarkCorpus(
                "synthetic",
                $"synthetic chit-chat (fixed seed; {synthetic.ThingVocabularySize:N0} GloVe words as things)",
                synthetic.Conversations(),
                synthetic.Questions(64));
        }

        var machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.OSDescription}, " +
            $"{RuntimeInformation.FrameworkDescription}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC";
        Console.WriteLine($"{machine}\ncorpus: {corpus.Description}; {corpus.Questions.Count} questions\n");

        await using var silo = await BenchmarkSilo.StartAsync(embedder);
        var scheduler = silo.Runtime.GetGrain<IMemSchedulerGrain>(MemCubeKeys.Scheduler(Tenant, SyntheticConversations.User.ToLowerInvariant()));
        var stream = Messages(corpus).GetEnumerator();
        var sizes = new List<SizeReport>();
        var messageCount = 0;
        var memoryCount = 0;
        foreach (var size in options.Sizes)
        {
            var ingestStarted = Stopwatch.GetTimestamp();
            var (messages, memories) = await GrowAsync(scheduler, stream, size - memoryCount);
            var ingestSeconds = Stopwatch.GetElapsedTime(ingestStarted).TotalSeconds;
            messageCount += messages;
            memoryCount += memories;
            Console.WriteLine(
                $"{memoryCount:N0} memories: added {memories:N0} memories ({messages:N0} messages) in {ingestSeconds:F1} s " +
                $"({memories / ingestSeconds:N0} memories/s)");
            sizes.Add(await MeasureAsync(silo, scheduler, corpus.Questions, options, memoryCount, messageCount, ingestSeconds, memories));
        }

        var report = new SearchLatencyReport(machine, "in-memory grain storage", corpus.Description, corpus.Questions.Count, sizes);
        if (options.JsonPath is { } json)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, SearchLatencyJsonContext.Default.SearchLatencyReport));
            Console.WriteLine($"Wrote {json}");
        }

        return 0;
    }

    /// <summary>The corpus as a stream of (conversation, message, memories the reader makes of it).</summary>
    private static IEnumerable<(string Conversation, ConversationMessage Message, int Memories)> Messages(BenchmarkCorpus corpus)
    {
        var reader = new PlaintextMemReader(Options.Create(new MemReaderOptions()));
        var now = DateTimeOffset.UtcNow;
        foreach (var conversation in corpus.Conversations)
        {
            foreach (var message in conversation.Messages)
            {
                yield return (conversation.Id, message, reader.Read(SyntheticConversations.User, conversation.Id, [message], now).Count);
            }
        }
    }

    /// <summary>Adds messages until at least <paramref name="memories"/> more memories exist, one add per run of
    /// messages of the same conversation (at most <see cref="MemSchedulerGrain.MaxMessagesPerAdd"/>).</summary>
    private static async Task<(int Messages, int Memories)> GrowAsync(
        IMemSchedulerGrain scheduler,
        IEnumerator<(string Conversation, ConversationMessage Message, int Memories)> stream,
        int memories)
    {
        var added = (Messages: 0, Memories: 0);
        var batch = new List<ConversationMessage>();
        string? conversation = null;
        while (added.Memories < memories && stream.MoveNext())
        {
            var (id, message, count) = stream.Current;
            if (conversation != id || batch.Count == MemSchedulerGrain.MaxMessagesPerAdd)
            {
                await AddAsync(scheduler, conversation, batch);
                conversation = id;
            }

            batch.Add(message);
            added = (added.Messages + 1, added.Memories + count);
        }

        await AddAsync(scheduler, conversation, batch);
        return added;
    }

    private static async Task AddAsync(IMemSchedulerGrain scheduler, string? conversation, List<ConversationMessage> batch)
    {
        if (batch.Count > 0)
        {
            await scheduler.AddMessagesAsync(conversation, batch.ToArray());
            batch.Clear();
        }
    }

    private static async Task<SizeReport> MeasureAsync(
        BenchmarkSilo silo,
        IMemSchedulerGrain scheduler,
        IReadOnlyList<string> questions,
        SearchLatencyOptions options,
        int expectedMemories,
        int messages,
        double ingestSeconds,
        int ingested)
    {
        // Read back what the grains stored: the memory count to report, and the data of the breakdown's indexes.
        var stored = new List<MemCubeState>();
        var prefix = MemCubeKeys.SpacePrefix(Tenant, MemCubeKeys.PrivateSpace(SyntheticConversations.User.ToLowerInvariant()));
        await foreach (var row in silo.StateQuery.ScanAsync<MemCubeState>(MemCubeGrain.GrainTypeName, MemCubeGrain.StateName, prefix))
        {
            if (row.State.State == MemCubeLifecycle.Activated)
            {
                stored.Add(row.State);
            }
        }

        if (stored.Count != expectedMemories)
        {
            Console.WriteLine($"note: storage holds {stored.Count:N0} activated memories, the reader predicted {expectedMemories:N0}");
        }

        var first = Stopwatch.GetTimestamp();
        await scheduler.SearchAsync(Configurations[0].Build(questions[0]));
        var firstMilliseconds = Stopwatch.GetElapsedTime(first).TotalMilliseconds;

        var samples = Configurations.ToDictionary(c => c.Name, _ => new List<double>(options.Searches), StringComparer.Ordinal);
        for (var i = -options.Warmup; i < options.Searches; i++)
        {
            var question = questions[((i % questions.Count) + questions.Count) % questions.Count];
            // Rotate which configuration goes first, so that none always follows another.
            for (var c = 0; c < Configurations.Length; c++)
            {
                var (name, build) = Configurations[(c + i + options.Warmup) % Configurations.Length];
                var query = build(question);
                var startedAt = Stopwatch.GetTimestamp();
                await scheduler.SearchAsync(query);
                var elapsed = Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds;
                if (i >= 0)
                {
                    samples[name].Add(elapsed);
                }
            }
        }

        var searches = samples.ToDictionary(p => p.Key, p => LatencySummary.Of(p.Value), StringComparer.Ordinal);
        var parts = await MeasurePartsAsync(scheduler, stored, questions, options);
        var top10 = searches["top10"].MedianMilliseconds;
        var measured = parts["embed"].MedianMilliseconds + parts["bm25"].MedianMilliseconds + parts["dense"].MedianMilliseconds;
        parts["rest"] = LatencySummary.Of([Math.Max(0, top10 - measured)]);
        Print(stored.Count, firstMilliseconds, searches, parts);
        return new SizeReport(stored.Count, messages, ingestSeconds, ingested, firstMilliseconds, searches, parts);
    }

    /// <summary>Times the parts of a search alone, on indexes built like the scheduler's from the stored memories:
    /// the query embedding, BM25 (analysis and search) and the dense scan with common-component removal, both over
    /// the scheduler's candidate pool (<see cref="MemSchedulerOptions.CandidatePool"/>), and a grain call that does
    /// no search (<see cref="IMemSchedulerGrain.GetMemoryAsync"/>: the scheduler, then the cube).</summary>
    private static async Task<Dictionary<string, LatencySummary>> MeasurePartsAsync(
        IMemSchedulerGrain scheduler, List<MemCubeState> stored, IReadOnlyList<string> questions, SearchLatencyOptions options)
    {
        var pool = new MemSchedulerOptions().CandidatePool;
        var embedder = new GloveSifEmbedder(GloveAssets.Load());
        var lexical = new Bm25Index();
        var dense = new ExactVectorIndex(embedder.ModelId, embedder.Dimension, removeCommonComponent: true);
        foreach (var state in stored)
        {
            var speaker = state.Provenance?.Speaker;
            lexical.Add(state.Id, TextAnalyzer.English.Analyze(speaker is null ? state.Text : speaker + " " + state.Text));
            if (state.Embedding is { } embedding)
            {
                dense.Upsert(state.Id, embedding.Vector, embedding.ModelId);
            }
        }

        dense.RecomputeCommonComponent();
        var queryVectors = (await embedder.EmbedAsync(questions)).ToArray();
        var someId = stored[stored.Count / 2].Id;
        var timings = new Dictionary<string, List<double>>(StringComparer.Ordinal)
        {
            ["embed"] = [], ["bm25"] = [], ["dense"] = [], ["grain_call"] = [],
        };
        for (var i = -options.Warmup; i < options.Searches; i++)
        {
            var q = ((i % questions.Count) + questions.Count) % questions.Count;
            var t0 = Stopwatch.GetTimestamp();
            await embedder.EmbedAsync([questions[q]]);
            var t1 = Stopwatch.GetTimestamp();
            lexical.Search(TextAnalyzer.English.Analyze(questions[q]), pool);
            var t2 = Stopwatch.GetTimestamp();
            dense.Search(queryVectors[q], pool);
            var t3 = Stopwatch.GetTimestamp();
            await scheduler.GetMemoryAsync(someId);
            var t4 = Stopwatch.GetTimestamp();
            if (i >= 0)
            {
                timings["embed"].Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                timings["bm25"].Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
                timings["dense"].Add(Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
                timings["grain_call"].Add(Stopwatch.GetElapsedTime(t3, t4).TotalMilliseconds);
            }
        }

        return timings.ToDictionary(p => p.Key, p => LatencySummary.Of(p.Value), StringComparer.Ordinal);
    }

    private static void Print(
        int memories, double firstMilliseconds, Dictionary<string, LatencySummary> searches, Dictionary<string, LatencySummary> parts)
    {
        static string Ms(double value) => value.ToString(value < 1 ? "F3" : "F2", CultureInfo.InvariantCulture);
        Console.WriteLine($"  first search (recomputes the common component): {Ms(firstMilliseconds)} ms");
        Console.WriteLine("  search through the grain     n      median ms   p99 ms   mean ms   max ms");
        foreach (var (name, s) in searches)
        {
            Console.WriteLine($"  {name,-26} {s.Count,5} {Ms(s.MedianMilliseconds),12} {Ms(s.P99Milliseconds),8} {Ms(s.MeanMilliseconds),9} {Ms(s.MaxMilliseconds),8}");
        }

        var top10 = searches["top10"].MedianMilliseconds;
        Console.WriteLine($"  parts alone (median; share of top10 median {Ms(top10)} ms):");
        foreach (var (name, s) in parts)
        {
            Console.WriteLine($"    {name,-12} {Ms(s.MedianMilliseconds),10} ms  {s.MedianMilliseconds / top10,6:P0}");
        }

        Console.WriteLine($"  ({memories:N0} memories)\n");
    }
}
