namespace MemOS.Grains.Interfaces.Memories;

/// <summary>The kinds of plaintext MemCube (DESIGN.md section 1). Kinds are open strings; these are the known ones.</summary>
public static class MemoryKinds
{
    /// <summary>A raw conversation turn, as said.</summary>
    public const string Turn = "turn";

    /// <summary>A part of a conversation turn: one sentence or a few short ones, as said.</summary>
    public const string Utterance = "utterance";

    /// <summary>A fact about the world or the user.</summary>
    public const string Fact = "fact";

    /// <summary>An event that happened at a time.</summary>
    public const string Event = "event";

    /// <summary>A preference of the user.</summary>
    public const string Preference = "preference";

    /// <summary>A profile entry (name, job, home).</summary>
    public const string Profile = "profile";

    /// <summary>A summary of several memories.</summary>
    public const string Summary = "summary";
}
