using MemOS.Evaluation.LoCoMo;
using MemOS.Grains.Interfaces.Memories;

namespace MemOS.Benchmarks.Scheduling;

/// <summary>The turns and questions of a LoCoMo file as a <see cref="BenchmarkCorpus"/>: all conversations, then all
/// of them again (copy k has conversation ids suffixed <c>#k</c> and its times shifted by k years), as often as the
/// harness asks; the questions are those of categories 1-4 (5, adversarial, is excluded as in DESIGN.md
/// section 5), in file order.</summary>
/// <remarks>The development split holds about 4,100 turns (about 9,000 sentence memories), so 100,000 memories
/// repeat each text about 11 times: posting lists and the scan grow as in a larger corpus, the vocabulary does not.</remarks>
public static class LoCoMoCorpus
{
    /// <summary>Where the development split lies relative to the repository root.</summary>
    public const string DefaultRelativePath = "../shared/data/locomo/locomo10-dev.json";

    /// <summary>Finds the default file above the current directory.</summary>
    /// <returns>Its path, or <see langword="null"/> when it is absent.</returns>
    public static string? FindDefault()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.GetFullPath(Path.Combine(directory.FullName, DefaultRelativePath));
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Loads a LoCoMo file as a corpus.</summary>
    /// <param name="path">The <c>locomo10.json</c>-shaped file.</param>
    /// <returns>The corpus.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="InvalidDataException">The file is not LoCoMo-shaped.</exception>
    public static BenchmarkCorpus Load(string path)
    {
        var dataset = LoCoMoDataset.Load(path);
        var questions = dataset.Conversations.SelectMany(c => c.Questions)
            .Where(q => q.Category is >= 1 and <= 4)
            .Select(q => q.Question)
            .ToList();
        var turns = dataset.Conversations.Sum(c => c.Turns.Count);
        return new BenchmarkCorpus(
            "locomo",
            $"LoCoMo {Path.GetFileName(path)}: {dataset.Conversations.Count} conversations, {turns} turns, repeated as needed",
            Repeat(dataset),
            questions);
    }

    private static IEnumerable<BenchmarkConversation> Repeat(LoCoMoDataset dataset)
    {
        for (var copy = 0; ; copy++)
        {
            foreach (var conversation in dataset.Conversations)
            {
                var messages = conversation.Turns
                    .Select(t => new ConversationMessage(t.DiaId, t.Speaker, t.Text, t.Timestamp.AddYears(copy)))
                    .ToList();
                foreach (var (chunk, part) in messages.Chunk(Grains.Scheduling.MemSchedulerGrain.MaxMessagesPerAdd).Select((c, i) => (c, i)))
                {
                    var id = copy == 0 ? conversation.SampleId : $"{conversation.SampleId}#{copy}";
                    yield return new BenchmarkConversation(part == 0 ? id : $"{id}/{part}", chunk);
                }
            }
        }
    }
}
