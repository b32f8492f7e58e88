namespace MemOS.Evaluation.Tests.LoCoMo;

/// <summary>A small LoCoMo-shaped file covering the format's quirks.</summary>
internal static class SyntheticLoCoMo
{
    /// <summary>
    /// conv-x: sessions 1, 2 and 10 (keys out of order), date keys for sessions 1, 2, 3 and 10 (more date keys than
    /// sessions), an image turn, a numeric answer, a category-5 question without answer, a question without
    /// evidence, and the LLM-generated fields set to values of the wrong type and size.
    /// </summary>
    public static string Json { get; } = """
        [
          {
            "sample_id": "conv-x",
            "qa": [
              { "question": "When did Caroline go to the support group?", "answer": "7 May 2023", "evidence": ["D1:03"], "category": 2 },
              { "question": "When did Melanie paint a sunrise?", "answer": 2022, "evidence": ["D2:1; D1:2"], "category": 2 },
              { "question": "What is Caroline's favourite colour?", "adversarial_answer": "blue", "evidence": ["D10:1"], "category": 5 },
              { "question": "Would Caroline enjoy hiking?", "answer": "Likely yes", "evidence": [], "category": 3 },
              { "question": "Who adopted a dog?", "answer": "Melanie", "category": 4 }
            ],
            "conversation": {
              "speaker_a": "Caroline",
              "speaker_b": "Melanie",
              "session_10_date_time": "9:05 am on 1 July, 2023",
              "session_10": [
                { "speaker": "Caroline", "dia_id": "D10:1", "text": "Back from the trip!" }
              ],
              "session_1_date_time": "1:56 pm on 8 May, 2023",
              "session_1": [
                { "speaker": "Caroline", "dia_id": "D1:1", "text": "Hey Mel! Good to see you!" },
                { "speaker": "Melanie", "dia_id": "D1:2", "text": "Hey Caroline! I'm swamped with the kids & work." },
                { "speaker": "Caroline", "img_url": ["https://example.invalid/x.jpg"], "blip_caption": "a photo of a rainbow flag", "query": "pride flag",
                  "dia_id": "D1:3", "text": "I went to a LGBTQ support group yesterday." }
              ],
              "session_2_date_time": "10:04 am on 20 May, 2023",
              "session_2": [
                { "speaker": "Melanie", "dia_id": "D2:1", "text": "I painted a sunrise last year, in 2022." },
                { "speaker": "Caroline", "dia_id": "D2:2", "text": "" , "blip_caption": "a painting of a sunset" }
              ],
              "session_3_date_time": "2:00 pm on 1 June, 2023"
            },
            "observation": 12345,
            "session_summary": [true, false, { "not": "a summary" }],
            "event_summary": "HUGE"
          }
        ]
        """.Replace("\"HUGE\"", "\"" + new string('z', 1_000_000) + "\"", StringComparison.Ordinal);
}
