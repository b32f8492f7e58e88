using System.Numerics.Tensors;

namespace MemOS.Inference.Lora.Training;

public sealed partial class LlamaTrainingModel
{
    /// <summary>One forward pass over a token sequence, keeping what the backward pass needs, and the backward pass
    /// that accumulates the gradients of the LoRA matrices (<see cref="GradA"/>, <see cref="GradB"/>, shaped like the
    /// slots' <c>A</c> and <c>B</c>). Not thread-safe; one per sequence.</summary>
    internal sealed class Pass
    {
        private readonly LlamaTrainingModel _model;
        private readonly int[] _tokens;
        private readonly LoraSlot?[][] _slots;
        private readonly LayerCache[] _cache;
        private double[] _finalInput = [];
        private double[] _finalInverse = [];
        private double[] _finalNormed = [];

        public Pass(LlamaTrainingModel model, int[] tokens, LoraSlot?[][]? slots)
        {
            if (tokens.Length == 0)
            {
                throw new ArgumentException("A sequence has at least one token.", nameof(tokens));
            }

            foreach (var token in tokens)
            {
                if ((uint)token >= (uint)model.VocabularySize)
                {
                    throw new ArgumentException($"Token {token} is outside the vocabulary [0, {model.VocabularySize}).", nameof(tokens));
                }
            }

            _model = model;
            _tokens = tokens;
            _slots = slots ?? model.EmptySlots();
            _cache = new LayerCache[model.LayerCount];
            GradA = new double[model.LayerCount][][];
            GradB = new double[model.LayerCount][][];
            for (var l = 0; l < model.LayerCount; l++)
            {
                GradA[l] = new double[ProjectionKinds.Count][];
                GradB[l] = new double[ProjectionKinds.Count][];
                for (var p = 0; p < ProjectionKinds.Count; p++)
                {
                    if (_slots[l][p] is { } slot)
                    {
                        GradA[l][p] = new double[slot.A.Length];
                        GradB[l][p] = new double[slot.B.Length];
                    }
                }
            }
        }

        /// <summary><c>T</c>.</summary>
        public int Length => _tokens.Length;

        /// <summary><c>T × V</c> logits after <see cref="Forward"/>.</summary>
        public double[] Logits { get; private set; } = [];

        /// <summary>The gradient of each slot's <c>A</c> (layer × projection; null where no slot).</summary>
        public double[][][] GradA { get; }

        /// <summary>The gradient of each slot's <c>B</c>.</summary>
        public double[][][] GradB { get; }

        public void Forward()
        {
            var m = _model;
            var t = Length;
            var d = m.EmbeddingLength;
            var x = new double[t * d];
            for (var i = 0; i < t; i++)
            {
                m._tokenEmbedding.AsSpan(_tokens[i] * d, d).CopyTo(x.AsSpan(i * d, d));
            }

            for (var l = 0; l < m.LayerCount; l++)
            {
                var layer = m._layers[l];
                var c = new LayerCache { Input = x, Z = new double[ProjectionKinds.Count][] };
                (c.AttentionNormed, c.AttentionInverse) = RmsNorm(x, layer.AttentionNorm);
                c.Query = Linear(c.AttentionNormed, l, Layer.Query, c.Z);
                c.Key = Linear(c.AttentionNormed, l, Layer.Key, c.Z);
                c.Value = Linear(c.AttentionNormed, l, Layer.Value, c.Z);
                Rope(c.Query, m.HeadCount, inverse: false);
                Rope(c.Key, m.KvHeadCount, inverse: false);
                (c.AttentionOut, c.Probabilities) = Attention(c.Query, c.Key, c.Value);
                var mid = Linear(c.AttentionOut, l, Layer.AttentionOutput, c.Z);
                TensorPrimitives.Add(mid, x, mid);
                c.Middle = mid;
                (c.FeedForwardNormed, c.FeedForwardInverse) = RmsNorm(mid, layer.FeedForwardNorm);
                c.Gate = Linear(c.FeedForwardNormed, l, Layer.Gate, c.Z);
                c.Up = Linear(c.FeedForwardNormed, l, Layer.Up, c.Z);
                c.Hidden = new double[c.Gate.Length];
                for (var i = 0; i < c.Hidden.Length; i++)
                {
                    c.Hidden[i] = Silu(c.Gate[i]) * c.Up[i];
                }

                var next = Linear(c.Hidden, l, Layer.Down, c.Z);
                TensorPrimitives.Add(next, mid, next);
                _cache[l] = c;
                x = next;
            }

            _finalInput = x;
            (_finalNormed, _finalInverse) = RmsNorm(x, m._outputNorm);
            Logits = MultiplyTransposed(_finalNormed, m._output, d, m.VocabularySize);
        }

        /// <summary>The summed next-token cross-entropy of positions 0..T-2 (position <c>t</c> predicting token
        /// <c>t+1</c>), and its gradient with respect to the logits, multiplied by <paramref name="weight"/>.</summary>
        public (double Loss, double[] Gradient) CrossEntropy(double weight)
        {
            var v = _model.VocabularySize;
            var gradient = new double[Logits.Length];
            var loss = 0.0;
            for (var i = 0; i + 1 < Length; i++)
            {
                var row = Logits.AsSpan(i * v, v);
                var max = TensorPrimitives.Max<double>(row);
                var g = gradient.AsSpan(i * v, v);
                TensorPrimitives.Subtract(row, max, g);
                TensorPrimitives.Exp<double>(g, g);
                var sum = TensorPrimitives.Sum<double>(g);
                var target = _tokens[i + 1];
                loss += Math.Log(sum) + max - row[target];
                TensorPrimitives.Multiply(g, weight / sum, g);
                g[target] -= weight;
            }

            return (loss, gradient);
        }

        /// <summary>The softmax of every position's logits after <see cref="Forward"/>: <c>T × V</c> probabilities.</summary>
        public double[] Probabilities()
        {
            var v = _model.VocabularySize;
            var probabilities = new double[Logits.Length];
            for (var i = 0; i < Length; i++)
            {
                var p = probabilities.AsSpan(i * v, v);
                TensorPrimitives.SoftMax<double>(Logits.AsSpan(i * v, v), p);
            }

            return probabilities;
        }

        /// <summary>The summed Kullback–Leibler divergence <c>KL(q‖p)</c> over all positions from target distributions
        /// <c>q</c> (<c>T × V</c>, for example the base model's <see cref="Probabilities"/>) to this pass's softmax
        /// <c>p</c>, and its gradient with respect to the logits, <c>(p − q)·weight</c>.</summary>
        public (double Divergence, double[] Gradient) Divergence(double[] targets, double weight)
        {
            var v = _model.VocabularySize;
            var gradient = Probabilities();
            var divergence = 0.0;
            for (var i = 0; i < gradient.Length; i++)
            {
                var (q, p) = (targets[i], gradient[i]);
                if (q > 0)
                {
                    divergence += q * (Math.Log(q) - Math.Log(Math.Max(p, double.Epsilon)));
                }

                gradient[i] = (p - q) * weight;
            }

            return (divergence, gradient);
        }

        /// <summary>Back-propagates a gradient of the logits (<c>T × V</c>) into <see cref="GradA"/> and <see cref="GradB"/>.</summary>
        public void Backward(double[] logitGradient)
        {
            var m = _model;
            var d = m.EmbeddingLength;
            var normedGradient = MultiplyPlain(logitGradient, m._output, m.VocabularySize, d);
            var dx = RmsNormBackward(normedGradient, _finalInput, _finalInverse, m._outputNorm);
            for (var l = m.LayerCount - 1; l >= 0; l--)
            {
                var layer = m._layers[l];
                var c = _cache[l];

                // Feed-forward: x_out = mid + down(silu(gate) ⊙ up).
                var hiddenGradient = LinearBackward(dx, c.Hidden, l, Layer.Down, c.Z);
                var gateGradient = new double[c.Gate.Length];
                var upGradient = new double[c.Up.Length];
                for (var i = 0; i < gateGradient.Length; i++)
                {
                    var g = c.Gate[i];
                    var sigmoid = 1 / (1 + Math.Exp(-g));
                    upGradient[i] = hiddenGradient[i] * g * sigmoid;
                    gateGradient[i] = hiddenGradient[i] * c.Up[i] * sigmoid * (1 + (g * (1 - sigmoid)));
                }

                var normed = LinearBackward(gateGradient, c.FeedForwardNormed, l, Layer.Gate, c.Z);
                TensorPrimitives.Add(normed, LinearBackward(upGradient, c.FeedForwardNormed, l, Layer.Up, c.Z), normed);
                TensorPrimitives.Add(dx, RmsNormBackward(normed, c.Middle, c.FeedForwardInverse, layer.FeedForwardNorm), dx);

                // Attention: mid = x_in + o·W_oᵀ.
                var outGradient = LinearBackward(dx, c.AttentionOut, l, Layer.AttentionOutput, c.Z);
                var (queryGradient, keyGradient, valueGradient) = AttentionBackward(outGradient, c);
                Rope(queryGradient, m.HeadCount, inverse: true);
                Rope(keyGradient, m.KvHeadCount, inverse: true);
                var attentionNormed = LinearBackward(queryGradient, c.AttentionNormed, l, Layer.Query, c.Z);
                TensorPrimitives.Add(attentionNormed, LinearBackward(keyGradient, c.AttentionNormed, l, Layer.Key, c.Z), attentionNormed);
                TensorPrimitives.Add(attentionNormed, LinearBackward(valueGradient, c.AttentionNormed, l, Layer.Value, c.Z), attentionNormed);
                TensorPrimitives.Add(dx, RmsNormBackward(attentionNormed, c.Input, c.AttentionInverse, layer.AttentionNorm), dx);
            }
        }

        private static double Silu(double x) => x / (1 + Math.Exp(-x));

        // n = x / sqrt(mean(x²) + ε) ⊙ g, per row; also returns the per-row 1/sqrt(mean(x²) + ε).
        private (double[] Normed, double[] Inverse) RmsNorm(double[] x, double[] gain)
        {
            var d = gain.Length;
            var normed = new double[x.Length];
            var inverse = new double[Length];
            for (var t = 0; t < Length; t++)
            {
                var row = x.AsSpan(t * d, d);
                inverse[t] = 1 / Math.Sqrt((TensorPrimitives.SumOfSquares<double>(row) / d) + _model.RmsEpsilon);
                var n = normed.AsSpan(t * d, d);
                TensorPrimitives.Multiply(row, inverse[t], n);
                TensorPrimitives.Multiply(n, gain, n);
            }

            return (normed, inverse);
        }

        // dx = inv·(dn⊙g) − x·inv³·⟨dn⊙g, x⟩/D.
        private double[] RmsNormBackward(double[] normedGradient, double[] x, double[] inverse, double[] gain)
        {
            var d = gain.Length;
            var dx = new double[x.Length];
            for (var t = 0; t < Length; t++)
            {
                var row = x.AsSpan(t * d, d);
                var g = dx.AsSpan(t * d, d);
                TensorPrimitives.Multiply(normedGradient.AsSpan(t * d, d), gain, g);
                var inv = inverse[t];
                var dot = TensorPrimitives.Dot<double>(g, row);
                TensorPrimitives.Multiply(g, inv, g);
                TensorPrimitives.MultiplyAdd(row, -inv * inv * inv * dot / d, g, g);
            }

            return dx;
        }

        // Rotates pairs (2i, 2i+1) of the first n_rot dimensions of every head by p·θ_i (by −p·θ_i when inverse, the
        // transpose, which carries gradients back through the rotation).
        private void Rope(double[] values, int heads, bool inverse)
        {
            var m = _model;
            var headLength = m.HeadLength;
            var frequencies = m._ropeInverseFrequencies;
            for (var t = 0; t < Length; t++)
            {
                for (var i = 0; i < frequencies.Length; i++)
                {
                    var (sin, cos) = Math.SinCos(t * frequencies[i]);
                    if (inverse)
                    {
                        sin = -sin;
                    }

                    for (var h = 0; h < heads; h++)
                    {
                        var offset = (((t * heads) + h) * headLength) + (2 * i);
                        var a = values[offset];
                        var b = values[offset + 1];
                        values[offset] = (a * cos) - (b * sin);
                        values[offset + 1] = (a * sin) + (b * cos);
                    }
                }
            }
        }

        private (double[] Output, double[][] Probabilities) Attention(double[] query, double[] key, double[] value)
        {
            var m = _model;
            var (heads, kvHeads, hd, t) = (m.HeadCount, m.KvHeadCount, m.HeadLength, Length);
            var group = heads / kvHeads;
            var scale = 1 / Math.Sqrt(hd);
            var output = new double[t * heads * hd];
            var probabilities = new double[heads][];
            for (var h = 0; h < heads; h++)
            {
                var g = h / group;
                var p = probabilities[h] = new double[t * t];
                for (var i = 0; i < t; i++)
                {
                    var q = query.AsSpan(((i * heads) + h) * hd, hd);
                    var row = p.AsSpan(i * t, i + 1);
                    for (var j = 0; j <= i; j++)
                    {
                        row[j] = TensorPrimitives.Dot<double>(q, key.AsSpan(((j * kvHeads) + g) * hd, hd)) * scale;
                    }

                    var max = TensorPrimitives.Max<double>(row);
                    TensorPrimitives.Subtract(row, max, row);
                    TensorPrimitives.Exp<double>(row, row);
                    TensorPrimitives.Divide(row, TensorPrimitives.Sum<double>(row), row);
                    var o = output.AsSpan(((i * heads) + h) * hd, hd);
                    for (var j = 0; j <= i; j++)
                    {
                        TensorPrimitives.MultiplyAdd(value.AsSpan(((j * kvHeads) + g) * hd, hd), row[j], o, o);
                    }
                }
            }

            return (output, probabilities);
        }

        // With P = softmax(S), S = q·kᵀ/√d, O = P·v: dP = dO·vᵀ, dv = Pᵀ·dO, dS = P ⊙ (dP − rowsum(P ⊙ dP)),
        // dq = dS·k/√d, dk = dSᵀ·q/√d.
        private (double[] Query, double[] Key, double[] Value) AttentionBackward(double[] outputGradient, LayerCache c)
        {
            var m = _model;
            var (heads, kvHeads, hd, t) = (m.HeadCount, m.KvHeadCount, m.HeadLength, Length);
            var group = heads / kvHeads;
            var scale = 1 / Math.Sqrt(hd);
            var dq = new double[c.Query.Length];
            var dk = new double[c.Key.Length];
            var dv = new double[c.Value.Length];
            var dp = new double[t];
            for (var h = 0; h < heads; h++)
            {
                var g = h / group;
                var p = c.Probabilities[h];
                for (var i = 0; i < t; i++)
                {
                    var dO = outputGradient.AsSpan(((i * heads) + h) * hd, hd);
                    var row = p.AsSpan(i * t, i + 1);
                    var sum = 0.0;
                    for (var j = 0; j <= i; j++)
                    {
                        var kv = ((j * kvHeads) + g) * hd;
                        dp[j] = TensorPrimitives.Dot<double>(dO, c.Value.AsSpan(kv, hd));
                        sum += row[j] * dp[j];
                        var dvRow = dv.AsSpan(kv, hd);
                        TensorPrimitives.MultiplyAdd(dO, row[j], dvRow, dvRow);
                    }

                    var q = c.Query.AsSpan(((i * heads) + h) * hd, hd);
                    var dqRow = dq.AsSpan(((i * heads) + h) * hd, hd);
                    for (var j = 0; j <= i; j++)
                    {
                        var ds = row[j] * (dp[j] - sum) * scale;
                        var kv = ((j * kvHeads) + g) * hd;
                        TensorPrimitives.MultiplyAdd(c.Key.AsSpan(kv, hd), ds, dqRow, dqRow);
                        var dkRow = dk.AsSpan(kv, hd);
                        TensorPrimitives.MultiplyAdd(q, ds, dkRow, dkRow);
                    }
                }
            }

            return (dq, dk, dv);
        }

        // y = x·Wᵀ + s·(x·Aᵀ)·Bᵀ; keeps z = x·Aᵀ (T × r) for the backward pass.
        private double[] Linear(double[] x, int layer, int projection, double[][] z)
        {
            var (input, output) = _model.Shape(projection);
            var y = MultiplyTransposed(x, _model._layers[layer].Projections[projection], input, output);
            if (_slots[layer][projection] is { } slot)
            {
                var zz = z[projection] = MultiplyTransposed(x, slot.A, input, slot.Rank);
                var update = MultiplyTransposed(zz, slot.B, slot.Rank, output);
                TensorPrimitives.MultiplyAdd(update, slot.Factor, y, y);
            }

            return y;
        }

        // Given dy (T × out): dx = dy·W + s·(dy·B)·A, dB += s·dyᵀ·z, dA += s·(dy·B)ᵀ·x.
        private double[] LinearBackward(double[] dy, double[] x, int layer, int projection, double[][] z)
        {
            var (input, output) = _model.Shape(projection);
            var dx = MultiplyPlain(dy, _model._layers[layer].Projections[projection], output, input);
            if (_slots[layer][projection] is { } slot)
            {
                var r = slot.Rank;
                var s = slot.Factor;
                var w = MultiplyPlain(dy, slot.B, output, r);
                var gradB = GradB[layer][projection];
                var gradA = GradA[layer][projection];
                var zz = z[projection];
                for (var t = 0; t < Length; t++)
                {
                    var zRow = zz.AsSpan(t * r, r);
                    for (var o = 0; o < output; o++)
                    {
                        var coefficient = s * dy[(t * output) + o];
                        if (coefficient != 0)
                        {
                            var g = gradB.AsSpan(o * r, r);
                            TensorPrimitives.MultiplyAdd(zRow, coefficient, g, g);
                        }
                    }

                    var xRow = x.AsSpan(t * input, input);
                    var dxRow = dx.AsSpan(t * input, input);
                    for (var k = 0; k < r; k++)
                    {
                        var coefficient = s * w[(t * r) + k];
                        var g = gradA.AsSpan(k * input, input);
                        TensorPrimitives.MultiplyAdd(xRow, coefficient, g, g);
                        TensorPrimitives.MultiplyAdd(slot.A.AsSpan(k * input, input), coefficient, dxRow, dxRow);
                    }
                }
            }

            return dx;
        }

        // (T × n) · (m × n)ᵀ → T × m.
        private double[] MultiplyTransposed(double[] x, double[] w, int n, int m)
        {
            var y = new double[Length * m];
            for (var t = 0; t < Length; t++)
            {
                var row = x.AsSpan(t * n, n);
                for (var o = 0; o < m; o++)
                {
                    y[(t * m) + o] = TensorPrimitives.Dot<double>(row, w.AsSpan(o * n, n));
                }
            }

            return y;
        }

        // (T × m) · (m × n) → T × n.
        private double[] MultiplyPlain(double[] dy, double[] w, int m, int n)
        {
            var y = new double[Length * n];
            for (var t = 0; t < Length; t++)
            {
                var row = y.AsSpan(t * n, n);
                for (var o = 0; o < m; o++)
                {
                    var coefficient = dy[(t * m) + o];
                    if (coefficient != 0)
                    {
                        TensorPrimitives.MultiplyAdd(w.AsSpan(o * n, n), coefficient, row, row);
                    }
                }
            }

            return y;
        }

        private sealed class LayerCache
        {
            public double[] Input = [];
            public double[] AttentionNormed = [];
            public double[] AttentionInverse = [];
            public double[] Query = [];
            public double[] Key = [];
            public double[] Value = [];
            public double[][] Probabilities = [];
            public double[] AttentionOut = [];
            public double[] Middle = [];
            public double[] FeedForwardNormed = [];
            public double[] FeedForwardInverse = [];
            public double[] Gate = [];
            public double[] Up = [];
            public double[] Hidden = [];
            public double[][] Z = [];
        }
    }
}
