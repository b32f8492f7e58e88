namespace MemOS.Inference.Lora.Training;

/// <summary>Adam (Kingma and Ba, "Adam: A Method for Stochastic Optimization", 2015) over a set of parameter arrays:
/// <c>m ← β₁m + (1−β₁)g</c>, <c>v ← β₂v + (1−β₂)g²</c>, <c>θ ← θ − η·m̂/(√v̂ + ε)</c> with the bias-corrected
/// <c>m̂ = m/(1−β₁ᵗ)</c>, <c>v̂ = v/(1−β₂ᵗ)</c>.</summary>
internal sealed class AdamOptimizer
{
    private readonly double[][] _parameters;
    private readonly double[][] _first;
    private readonly double[][] _second;
    private readonly double _learningRate;
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly double _epsilon;
    private int _step;

    /// <param name="parameters">The arrays updated in place.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="beta1">β₁, default 0.9.</param>
    /// <param name="beta2">β₂, default 0.999.</param>
    /// <param name="epsilon">ε, default 1e-8.</param>
    public AdamOptimizer(double[][] parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        _parameters = parameters;
        _first = parameters.Select(p => new double[p.Length]).ToArray();
        _second = parameters.Select(p => new double[p.Length]).ToArray();
        (_learningRate, _beta1, _beta2, _epsilon) = (learningRate, beta1, beta2, epsilon);
    }

    /// <summary>Takes one step along the gradients (shaped like the parameters).</summary>
    public void Step(double[][] gradients)
    {
        _step++;
        var correction1 = 1 - Math.Pow(_beta1, _step);
        var correction2 = 1 - Math.Pow(_beta2, _step);
        for (var p = 0; p < _parameters.Length; p++)
        {
            var (theta, m, v, g) = (_parameters[p], _first[p], _second[p], gradients[p]);
            for (var i = 0; i < theta.Length; i++)
            {
                m[i] = (_beta1 * m[i]) + ((1 - _beta1) * g[i]);
                v[i] = (_beta2 * v[i]) + ((1 - _beta2) * g[i] * g[i]);
                theta[i] -= _learningRate * (m[i] / correction1) / (Math.Sqrt(v[i] / correction2) + _epsilon);
            }
        }
    }
}
