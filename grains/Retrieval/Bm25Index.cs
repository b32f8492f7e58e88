using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MemOS.Grains.Retrieval;

/// <summary>
/// An incremental in-memory inverted index with Okapi BM25 ranking, over documents identified by string ids and
/// given as lists of terms (see <see cref="TextAnalyzer"/>).
/// </summary>
/// <remarks>
/// <para>Scoring follows S. Robertson and H. Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond",
/// <i>Foundations and Trends in Information Retrieval</i> 3(4), 2009, eq. 3.15, with Lucene's non-negative IDF:</para>
/// <code>
/// score(D, Q) = Σ_{q ∈ Q} IDF(q) · tf(q, D) · (k1 + 1) / (tf(q, D) + k1 · (1 − b + b · |D| / avgdl))
/// IDF(q)      = ln(1 + (N − n(q) + 0.5) / (n(q) + 0.5))
/// </code>
/// <para>where <c>N</c> is the number of documents, <c>n(q)</c> the number of documents containing <c>q</c>,
/// <c>|D|</c> the document's length in terms (repeated terms counted each time) and <c>avgdl</c> the mean length,
/// all maintained incrementally and always exact (removed documents never count). The sum runs over the query's
/// term occurrences: a term repeated in the query contributes once per occurrence. Query terms absent from the
/// index contribute nothing; documents containing no query term are never returned.</para>
/// <para>Layout: each document gets an int ordinal; each term a postings array of (ordinal, tf) in ordinal order;
/// each document a forward list of (term, tf) so that removal fixes the statistics at once. Removed ordinals are
/// tombstones skipped by searches and compacted away in one pass once they make up a quarter of all ordinals, so
/// removal is amortized O(document length). A search walks the postings of the query's terms into a dense score
/// accumulator, then keeps the best <c>topK</c> in a bounded heap: O(Σ postings + hits · log topK), and allocates
/// only its result.</para>
/// <para>Scores are computed in single precision, as Lucene does.</para>
/// <para>Not thread-safe: one writer or searcher at a time (the owning grain's turn-based execution provides that).
/// A search reuses internal buffers, so a <c>filter</c> must not call back into the same index.</para>
/// </remarks>
public sealed class Bm25Index
{
    // Compaction runs when removed ordinals are at least this many and at least a quarter of all ordinals, so
    // that small indexes do not compact on every removal and large ones never carry more than 25 % dead postings.
    private const int MinimumRemovedForCompaction = 64;
    private const int StackQueryLength = 256;

    private readonly double _k1;
    private readonly double _b;
    private readonly Dictionary<string, int> _ordinalById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _termIdByTerm = new(StringComparer.Ordinal);
    private readonly Stack<int> _freeTermIds = new();
    private readonly List<int> _distinctTermScratch = [];

    private string?[] _ids = [];
    private int[] _lengths = []; // -1 marks a removed ordinal
    private long[] _sequences = [];
    private DocumentTerm[][] _documentTerms = [];
    private int _ordinalCount;
    private int _removedCount;

    private TermEntry[] _terms = [];
    private int[] _termCountScratch = [];
    private int _termIdCount;
    private int _vocabularySize;

    private long _totalLength;
    private long _nextSequence;

    private float[] _scores = [];
    private int[] _touched = [];

    /// <summary>Creates an empty index.</summary>
    /// <param name="k1">BM25's term-frequency saturation, at least 0; default 1.2.</param>
    /// <param name="b">BM25's length normalization, in [0, 1]; default 0.75.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k1"/> is negative or not finite, or
    /// <paramref name="b"/> is outside [0, 1].</exception>
    public Bm25Index(double k1 = 1.2, double b = 0.75)
    {
        if (!double.IsFinite(k1) || k1 < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(k1), k1, "k1 must be a finite number >= 0.");
        }

        if (!(b >= 0 && b <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(b), b, "b must be in [0, 1].");
        }

        _k1 = k1;
        _b = b;
    }

    /// <summary>BM25's term-frequency saturation parameter.</summary>
    public double K1 => _k1;

    /// <summary>BM25's length-normalization parameter.</summary>
    public double B => _b;

    /// <summary>The number of documents (N).</summary>
    public int Count => _ordinalById.Count;

    /// <summary>The sum of all documents' lengths, in terms.</summary>
    public long TotalTermCount => _totalLength;

    /// <summary>The mean document length in terms (avgdl); 0 when the index is empty.</summary>
    public double AverageDocumentLength => Count == 0 ? 0 : (double)_totalLength / Count;

    /// <summary>The number of distinct terms that occur in at least one document.</summary>
    public int VocabularySize => _vocabularySize;

    /// <summary>The number of removed ordinals not yet compacted away (for tests).</summary>
    internal int RemovedOrdinalCount => _removedCount;

    /// <summary>Whether a document with this id is indexed.</summary>
    /// <param name="id">The document id.</param>
    /// <returns><see langword="true"/> when indexed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    public bool Contains(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _ordinalById.ContainsKey(id);
    }

    /// <summary>The number of documents containing a term (n(q)).</summary>
    /// <param name="term">The term.</param>
    /// <returns>The document frequency; 0 for an unknown term.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="term"/> is null.</exception>
    public int DocumentFrequency(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        return _termIdByTerm.TryGetValue(term, out var termId) ? _terms[termId].DocumentFrequency : 0;
    }

    /// <summary>The length in terms of one document.</summary>
    /// <param name="id">The document id.</param>
    /// <returns>The length, or -1 when no such document is indexed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    public int DocumentLength(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _ordinalById.TryGetValue(id, out var ordinal) ? _lengths[ordinal] : -1;
    }

    /// <summary>Indexes a new document. It ranks after every document already indexed when scores tie.</summary>
    /// <param name="id">The document id.</param>
    /// <param name="terms">The document's terms, repeated terms repeated; may be empty.</param>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="terms"/> is null.</exception>
    /// <exception cref="ArgumentException">A document with this id is already indexed, or a term is null.</exception>
    public void Add(string id, IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(id);
        ValidateTerms(terms);
        if (_ordinalById.ContainsKey(id))
        {
            throw new ArgumentException($"A document with id '{id}' is already indexed; use Replace to update it.", nameof(id));
        }

        var ordinal = AllocateOrdinal();
        _ordinalById.Add(id, ordinal);
        IndexDocument(ordinal, id, terms, _nextSequence++);
    }

    /// <summary>
    /// Replaces the terms of a document (an update), or adds it when absent. A replaced document keeps its place
    /// in the tie order; the statistics afterwards are exactly those of an index built with the new terms.
    /// </summary>
    /// <param name="id">The document id.</param>
    /// <param name="terms">The document's new terms; may be empty.</param>
    /// <returns><see langword="true"/> when an existing document was replaced, <see langword="false"/> when added.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="terms"/> is null.</exception>
    /// <exception cref="ArgumentException">A term is null.</exception>
    public bool Replace(string id, IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(id);
        ValidateTerms(terms);
        if (!_ordinalById.TryGetValue(id, out var oldOrdinal))
        {
            var added = AllocateOrdinal();
            _ordinalById.Add(id, added);
            IndexDocument(added, id, terms, _nextSequence++);
            return false;
        }

        var sequence = _sequences[oldOrdinal];
        UnindexDocument(oldOrdinal);
        var ordinal = AllocateOrdinal();
        _ordinalById[id] = ordinal;
        IndexDocument(ordinal, id, terms, sequence);
        CompactIfWorthwhile();
        return true;
    }

    /// <summary>Removes a document.</summary>
    /// <param name="id">The document id.</param>
    /// <returns><see langword="true"/> when it was indexed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is null.</exception>
    public bool Remove(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!_ordinalById.Remove(id, out var ordinal))
        {
            return false;
        }

        UnindexDocument(ordinal);
        CompactIfWorthwhile();
        return true;
    }

    /// <summary>Removes every document and term.</summary>
    public void Clear()
    {
        _ordinalById.Clear();
        _termIdByTerm.Clear();
        _freeTermIds.Clear();
        _ids = [];
        _lengths = [];
        _sequences = [];
        _documentTerms = [];
        _ordinalCount = 0;
        _removedCount = 0;
        _terms = [];
        _termCountScratch = [];
        _termIdCount = 0;
        _vocabularySize = 0;
        _totalLength = 0;
        _nextSequence = 0;
        _scores = [];
        _touched = [];
    }

    /// <summary>Ranks the documents against a query by BM25.</summary>
    /// <param name="queryTerms">The query's terms, analyzed as the documents were; each occurrence counts.</param>
    /// <param name="topK">The most results to return, at least 0.</param>
    /// <param name="filter">When given, only documents whose id it accepts are returned. It is called only for
    /// documents that would otherwise enter the current top <paramref name="topK"/>, so it must be a pure
    /// predicate; it must not call into this index.</param>
    /// <returns>Up to <paramref name="topK"/> documents with a score above 0, by score descending, equal scores in
    /// insertion order (a replaced document keeps its original place).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="queryTerms"/> is null.</exception>
    /// <exception cref="ArgumentException">A query term is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is negative.</exception>
    public IReadOnlyList<ScoredDocument> Search(IReadOnlyList<string> queryTerms, int topK, Func<string, bool>? filter = null)
    {
        ValidateTerms(queryTerms, nameof(queryTerms));
        ArgumentOutOfRangeException.ThrowIfNegative(topK);
        if (topK == 0 || Count == 0 || queryTerms.Count == 0)
        {
            return [];
        }

        var touchedCount = Accumulate(queryTerms);
        if (touchedCount == 0)
        {
            return [];
        }

        return SelectTop(touchedCount, topK, filter);
    }

    private static void ValidateTerms(IReadOnlyList<string> terms, string parameterName = "terms")
    {
        ArgumentNullException.ThrowIfNull(terms, parameterName);
        for (var i = 0; i < terms.Count; i++)
        {
            if (terms[i] is null)
            {
                throw new ArgumentException($"Term {i} is null.", parameterName);
            }
        }
    }

    private int AllocateOrdinal()
    {
        if (_ordinalCount == _ids.Length)
        {
            var capacity = Math.Max(16, _ids.Length * 2);
            Array.Resize(ref _ids, capacity);
            Array.Resize(ref _lengths, capacity);
            Array.Resize(ref _sequences, capacity);
            Array.Resize(ref _documentTerms, capacity);
        }

        return _ordinalCount++;
    }

    private int GetOrAddTermId(string term)
    {
        ref var termId = ref CollectionsMarshal.GetValueRefOrAddDefault(_termIdByTerm, term, out var exists);
        if (exists)
        {
            return termId;
        }

        if (_freeTermIds.Count > 0)
        {
            termId = _freeTermIds.Pop();
        }
        else
        {
            if (_termIdCount == _terms.Length)
            {
                var capacity = Math.Max(64, _terms.Length * 2);
                Array.Resize(ref _terms, capacity);
                Array.Resize(ref _termCountScratch, capacity);
            }

            termId = _termIdCount++;
        }

        _terms[termId] = new TermEntry { Term = term, Postings = [] };
        return termId;
    }

    private void IndexDocument(int ordinal, string id, IReadOnlyList<string> terms, long sequence)
    {
        // Count term frequencies in a dense per-term scratch array rather than a dictionary: no hashing beyond
        // the one term lookup, no allocation.
        var distinct = _distinctTermScratch;
        distinct.Clear();
        for (var i = 0; i < terms.Count; i++)
        {
            var termId = GetOrAddTermId(terms[i]);
            if (_termCountScratch[termId]++ == 0)
            {
                distinct.Add(termId);
            }
        }

        var documentTerms = distinct.Count == 0 ? [] : new DocumentTerm[distinct.Count];
        for (var i = 0; i < distinct.Count; i++)
        {
            var termId = distinct[i];
            var tf = _termCountScratch[termId];
            _termCountScratch[termId] = 0;
            documentTerms[i] = new DocumentTerm(termId, tf);

            ref var entry = ref _terms[termId];
            if (entry.Count == entry.Postings.Length)
            {
                Array.Resize(ref entry.Postings, Math.Max(4, entry.Postings.Length * 2));
            }

            entry.Postings[entry.Count++] = new Posting(ordinal, tf);
            if (entry.DocumentFrequency++ == 0)
            {
                _vocabularySize++;
            }
        }

        _ids[ordinal] = id;
        _lengths[ordinal] = terms.Count;
        _sequences[ordinal] = sequence;
        _documentTerms[ordinal] = documentTerms;
        _totalLength += terms.Count;
    }

    private void UnindexDocument(int ordinal)
    {
        foreach (var documentTerm in _documentTerms[ordinal])
        {
            // The posting itself stays as a tombstone until compaction; only the statistics change now.
            if (--_terms[documentTerm.TermId].DocumentFrequency == 0)
            {
                _vocabularySize--;
            }
        }

        _totalLength -= _lengths[ordinal];
        _ids[ordinal] = null;
        _lengths[ordinal] = -1;
        _documentTerms[ordinal] = [];
        _removedCount++;
    }

    private void CompactIfWorthwhile()
    {
        if (Count == 0)
        {
            Clear();
        }
        else if (_removedCount >= MinimumRemovedForCompaction && _removedCount * 4L >= _ordinalCount)
        {
            Compact();
        }
    }

    /// <summary>
    /// Renumbers the live documents densely (keeping their order) and drops tombstoned postings and terms that no
    /// document contains any more. O(ordinals + postings).
    /// </summary>
    internal void Compact()
    {
        var map = new int[_ordinalCount];
        var live = 0;
        for (var ordinal = 0; ordinal < _ordinalCount; ordinal++)
        {
            if (_lengths[ordinal] < 0)
            {
                map[ordinal] = -1;
                continue;
            }

            map[ordinal] = live;
            if (live != ordinal)
            {
                _ids[live] = _ids[ordinal];
                _lengths[live] = _lengths[ordinal];
                _sequences[live] = _sequences[ordinal];
                _documentTerms[live] = _documentTerms[ordinal];
                _ordinalById[_ids[live]!] = live;
            }

            live++;
        }

        Array.Clear(_ids, live, _ordinalCount - live);
        Array.Clear(_documentTerms, live, _ordinalCount - live);
        _ordinalCount = live;
        _removedCount = 0;

        for (var termId = 0; termId < _termIdCount; termId++)
        {
            ref var entry = ref _terms[termId];
            if (entry.Term is null)
            {
                continue;
            }

            if (entry.DocumentFrequency == 0)
            {
                _termIdByTerm.Remove(entry.Term);
                entry = default;
                _freeTermIds.Push(termId);
                continue;
            }

            var kept = 0;
            for (var i = 0; i < entry.Count; i++)
            {
                var posting = entry.Postings[i];
                var mapped = map[posting.Ordinal];
                if (mapped >= 0)
                {
                    entry.Postings[kept++] = new Posting(mapped, posting.Tf);
                }
            }

            entry.Count = kept;
            if (entry.Postings.Length > 2 * kept + 4)
            {
                Array.Resize(ref entry.Postings, kept);
            }
        }
    }

    /// <summary>Adds every query term's contributions into <see cref="_scores"/>; returns how many documents scored.</summary>
    private int Accumulate(IReadOnlyList<string> queryTerms)
    {
        // Group the query's occurrences by term in first-occurrence order, so that each distinct term's postings
        // are walked once with its weight multiplied by its count, and each document's score is summed in query
        // order: two indexes holding the same documents then give bit-identical scores whatever their term ids.
        var groups = queryTerms.Count <= StackQueryLength
            ? stackalloc QueryTerm[queryTerms.Count]
            : new QueryTerm[queryTerms.Count];
        var groupCount = 0;
        Dictionary<int, int>? groupByTermId = queryTerms.Count > StackQueryLength ? [] : null;
        for (var i = 0; i < queryTerms.Count; i++)
        {
            if (!_termIdByTerm.TryGetValue(queryTerms[i], out var termId) || _terms[termId].DocumentFrequency == 0)
            {
                continue;
            }

            var group = -1;
            if (groupByTermId is null)
            {
                for (var g = 0; g < groupCount; g++)
                {
                    if (groups[g].TermId == termId)
                    {
                        group = g;
                        break;
                    }
                }
            }
            else if (groupByTermId.TryGetValue(termId, out var found))
            {
                group = found;
            }

            if (group >= 0)
            {
                groups[group] = groups[group] with { Occurrences = groups[group].Occurrences + 1 };
            }
            else
            {
                groupByTermId?.Add(termId, groupCount);
                groups[groupCount++] = new QueryTerm(termId, 1);
            }
        }

        if (groupCount == 0)
        {
            return 0;
        }

        if (_scores.Length < _ids.Length)
        {
            _scores = new float[_ids.Length];
            _touched = new int[_ids.Length];
        }

        var n = (double)Count;
        var k1 = _k1;
        var lengthBase = (float)(k1 * (1 - _b));
        var lengthScale = (float)(k1 * _b / AverageDocumentLength);
        var scores = _scores;
        var touched = _touched;
        var lengths = _lengths;
        var touchedCount = 0;

        foreach (var (termId, occurrences) in groups[..groupCount])
        {
            ref var entry = ref _terms[termId];
            double df = entry.DocumentFrequency;
            var idf = Math.Log(1 + (n - df + 0.5) / (df + 0.5));
            var weight = (float)(idf * (k1 + 1) * occurrences);

            var postings = entry.Postings.AsSpan(0, entry.Count);
            foreach (var posting in postings)
            {
                var length = lengths[posting.Ordinal];
                if (length < 0)
                {
                    continue;
                }

                float tf = posting.Tf;
                var contribution = weight * tf / (tf + lengthBase + lengthScale * length);
                ref var score = ref scores[posting.Ordinal];
                if (score == 0)
                {
                    touched[touchedCount++] = posting.Ordinal;
                }

                score += contribution;
            }
        }

        return touchedCount;
    }

    private ScoredDocument[] SelectTop(int touchedCount, int topK, Func<string, bool>? filter)
    {
        var capacity = Math.Min(topK, touchedCount);
        var heap = new HeapEntry[capacity];
        var size = 0;
        var i = 0;
        try
        {
            for (; i < touchedCount; i++)
            {
                var ordinal = _touched[i];
                var candidate = new HeapEntry(_scores[ordinal], _sequences[ordinal], ordinal);
                _scores[ordinal] = 0;

                // Compare before filtering so that the (possibly costly) filter runs only for contenders.
                if (size == capacity && !candidate.IsBetterThan(heap[0]))
                {
                    continue;
                }

                if (filter is not null && !filter(_ids[ordinal]!))
                {
                    continue;
                }

                if (size < capacity)
                {
                    heap[size] = candidate;
                    SiftUp(heap, size++);
                }
                else
                {
                    heap[0] = candidate;
                    SiftDown(heap, 0, size);
                }
            }
        }
        finally
        {
            // A throwing filter must not leave stale scores behind for the next search.
            for (i++; i < touchedCount; i++)
            {
                _scores[_touched[i]] = 0;
            }
        }

        var results = new ScoredDocument[size];
        for (var last = size - 1; last >= 0; last--)
        {
            var worst = heap[0];
            results[last] = new ScoredDocument(_ids[worst.Ordinal]!, worst.Score);
            heap[0] = heap[last];
            SiftDown(heap, 0, last);
        }

        return results;
    }

    /// <summary>Min-heap on "goodness": the root is the worst entry kept.</summary>
    private static void SiftUp(HeapEntry[] heap, int index)
    {
        var item = heap[index];
        while (index > 0)
        {
            var parent = (index - 1) >> 1;
            if (!heap[parent].IsBetterThan(item))
            {
                break;
            }

            heap[index] = heap[parent];
            index = parent;
        }

        heap[index] = item;
    }

    private static void SiftDown(HeapEntry[] heap, int index, int size)
    {
        var item = heap[index];
        while (true)
        {
            var child = (2 * index) + 1;
            if (child >= size)
            {
                break;
            }

            if (child + 1 < size && heap[child].IsBetterThan(heap[child + 1]))
            {
                child++;
            }

            if (!item.IsBetterThan(heap[child]))
            {
                break;
            }

            heap[index] = heap[child];
            index = child;
        }

        heap[index] = item;
    }

    private readonly record struct Posting(int Ordinal, int Tf);

    private readonly record struct DocumentTerm(int TermId, int Tf);

    private readonly record struct QueryTerm(int TermId, int Occurrences);

    private struct TermEntry
    {
        public string? Term;
        public Posting[] Postings;
        public int Count;
        public int DocumentFrequency;
    }

    private readonly record struct HeapEntry(float Score, long Sequence, int Ordinal)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool IsBetterThan(HeapEntry other)
            => Score > other.Score || (Score == other.Score && Sequence < other.Sequence);
    }
}
