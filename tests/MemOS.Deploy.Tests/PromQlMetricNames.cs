namespace MemOS.Deploy.Tests;

/// <summary>The metric names a PromQL expression (or a Grafana query over one) selects: what is left once string
/// literals, label matchers, ranges, Grafana variables, numbers, function and aggregation names, keywords and the
/// label lists of <c>by</c>/<c>without</c>/<c>on</c>/<c>ignoring</c>/<c>group_left</c>/<c>group_right</c> are removed.
/// Names are returned as written (<c>x_bucket</c>, <c>x_count</c>), to be looked up among the sample names a target
/// exposes, where a <c>_bucket</c>, <c>_sum</c> or <c>_count</c> name exists only for a histogram.</summary>
public static class PromQlMetricNames
{
    private static readonly HashSet<string> LabelListKeywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right",
    };

    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless",
        "atan2", "inf", "nan",

        // Aggregation operators, which may be followed by a by/without clause before their parenthesis.
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
        "limitk", "limit_ratio",
    };

    public static IReadOnlySet<string> Extract(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var text = UnwrapGrafanaQuery(expression);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '"' or '\'' or '`')
            {
                i = SkipString(text, i);
            }
            else if (c == '#')
            {
                i = text.IndexOf('\n', i) is var end and >= 0 ? end : text.Length;
            }
            else if (c == '{')
            {
                i = SkipBalanced(text, i, '{', '}');
            }
            else if (c == '[')
            {
                i = SkipBalanced(text, i, '[', ']');
            }
            else if (c == '$')
            {
                i = SkipVariable(text, i);
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '_'))
                {
                    i++;
                }
            }
            else if (IsNameStart(c))
            {
                var start = i;
                while (i < text.Length && IsNamePart(text[i]))
                {
                    i++;
                }

                var name = text[start..i];
                var next = SkipSpace(text, i);
                var call = next < text.Length && text[next] == '(';
                if (call && LabelListKeywords.Contains(name))
                {
                    i = SkipBalanced(text, next, '(', ')');
                }
                else if (!call && !Keywords.Contains(name))
                {
                    names.Add(name);
                }
            }
            else
            {
                i++;
            }
        }

        return names;
    }

    /// <summary>Grafana's <c>label_values(selector, label)</c> selects series by its first argument only;
    /// <c>label_values(label)</c> selects none; <c>query_result(expr)</c> is an expression.</summary>
    private static string UnwrapGrafanaQuery(string expression)
    {
        var trimmed = expression.Trim();
        foreach (var (function, selectorOnly) in new[] { ("label_values", true), ("query_result", false) })
        {
            if (!trimmed.StartsWith(function, StringComparison.Ordinal))
            {
                continue;
            }

            var open = SkipSpace(trimmed, function.Length);
            if (open >= trimmed.Length || trimmed[open] != '(')
            {
                continue;
            }

            var close = SkipBalanced(trimmed, open, '(', ')') - 1;
            var inner = trimmed[(open + 1)..close];
            if (!selectorOnly)
            {
                return inner;
            }

            var comma = LastTopLevelComma(inner);
            return comma < 0 ? "" : inner[..comma];
        }

        return expression;
    }

    private static int LastTopLevelComma(string text)
    {
        var last = -1;
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '"' or '\'' or '`':
                    i = SkipString(text, i) - 1;
                    break;
                case '(' or '{' or '[':
                    depth++;
                    break;
                case ')' or '}' or ']':
                    depth--;
                    break;
                case ',' when depth == 0:
                    last = i;
                    break;
            }
        }

        return last;
    }

    private static int SkipString(string text, int start)
    {
        var quote = text[start];
        var i = start + 1;
        while (i < text.Length && text[i] != quote)
        {
            i += text[i] == '\\' && quote != '`' ? 2 : 1;
        }

        return Math.Min(i + 1, text.Length);
    }

    private static int SkipBalanced(string text, int start, char open, char close)
    {
        var depth = 0;
        var i = start;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '"' or '\'' or '`')
            {
                i = SkipString(text, i);
                continue;
            }

            if (c == open)
            {
                depth++;
            }
            else if (c == close && --depth == 0)
            {
                return i + 1;
            }

            i++;
        }

        return text.Length;
    }

    private static int SkipVariable(string text, int start)
    {
        var i = start + 1;
        if (i < text.Length && text[i] == '{')
        {
            return SkipBalanced(text, i, '{', '}');
        }

        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
        {
            i++;
        }

        return i;
    }

    private static int SkipSpace(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c is '_' or ':';

    private static bool IsNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or ':';
}
