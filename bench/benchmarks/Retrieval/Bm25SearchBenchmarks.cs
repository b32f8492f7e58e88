using BenchmarkDotNet.Attributes;
using MemOS.Grains.Retrieval;

namespace MemOS.Benchmarks.Retrieval;

/// <summary>Top-10 BM25 search over a synthetic corpus (Zipf-distributed vocabulary, 12-40 terms per document):
/// the index's posting-list search against an exhaustive scan that scores every document (the baseline).</summary>
[MemoryDiagnoser]
public class Bm25SearchBenchmarks
{
    private const int VocabularySize = 20_000;
    private readonly List<IReadOnlyList<string>> _queries = [];
    private List<string[]> _documents = [];
    private Bm25Index _index = new();

    /// <summary>Number of indexed documents.</summary>
    [Params(10_000, 100_000)]
    public int DocumentCount { get; set; }

    /// <summary>Builds the corpus, the index and 64 queries of 3-6 terms (fixed seed).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(17);
        var cumulative = new double[VocabularySize];
        var sum = 0.0;
        for (var i = 0; i < VocabularySize; i++)
        {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }

        string Draw()
        {
            var index = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            return "t" + (index < 0 ? ~index : index);
        }

        _documents = Enumerable.Range(0, DocumentCount)
            .Select(_ => Enumerable.Range(0, random.Next(12, 41)).Select(_ => Draw()).ToArray())
            .ToList();
        _index = new Bm25Index();
        for (var i = 0; i < _documents.Count; i++)
        {
            _index.Add("d" + i, _documents[i]);
        }

        _queries.Clear();
        for (var q = 0; q < 64; q++)
        {
            _queries.Add(Enumerable.Range(0, random.Next(3, 7)).Select(_ => Draw()).ToArray());
        }
    }

    /// <summary>Exhaustive BM25 (k1 1.2, b 0.75): every document is scored, then the top 10 are taken.</summary>
    [Benchmark(Baseline = true)]
    public int ExhaustiveScan()
    {
        var found = 0;
        var averageLength = _index.AverageDocumentLength;
        foreach (var query in _queries)
        {
            var idf = query.Distinct().ToDictionary(
                t => t,
                t => Math.Log(1 + ((_documents.Count - _index.DocumentFrequency(t) + 0.5) / (_index.DocumentFrequency(t) + 0.5))));
            var top = new PriorityQueue<int, double>();
            for (var d = 0; d < _documents.Count; d++)
            {
                var document = _documents[d];
                var score = 0.0;
                foreach (var (term, weight) in idf)
                {
                    var tf = 0;
                    foreach (var t in document)
                    {
                        if (t == term)
                        {
                            tf++;
                        }
                    }

                    if (tf > 0)
                    {
                        score += weight * tf * 2.2 / (tf + (1.2 * (0.25 + (0.75 * document.Length / averageLength))));
                    }
                }

                if (score > 0)
                {
                    top.Enqueue(d, score);
                    if (top.Count > 10)
                    {
                        top.Dequeue();
                    }
                }
            }

            found += top.Count;
        }

        return found;
    }

    /// <summary>The index's search (posting lists, bounded top-k heap).</summary>
    [Benchmark]
    public int IndexSearch()
    {
        var found = 0;
        foreach (var query in _queries)
        {
            found += _index.Search(query, 10).Count;
        }

        return found;
    }
}
