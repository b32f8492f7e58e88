namespace MemOS.Runtime.Storage;

/// <summary><see cref="IPersistentState{TState}"/> over an <see cref="IGrainStorage"/> record.</summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IBoundPersistentState
    where TState : class, new()
{
    private readonly IGrainStorage _storage;
    private readonly GrainStateSerializer _serializer;
    private readonly string _grainType;
    private readonly string _grainKey;
    private readonly string _stateName;
    private TState _state = new();

    public PersistentState(IGrainStorage storage, GrainStateSerializer serializer, string grainType, string grainKey, string stateName)
    {
        _storage = storage;
        _serializer = serializer;
        _grainType = grainType;
        _grainKey = grainKey;
        _stateName = stateName;
    }

    public TState State
    {
        get => _state;
        set => _state = value ?? throw new ArgumentNullException(nameof(value));
    }

    public string? Etag { get; private set; }

    public bool RecordExists => Etag is not null;

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var record = await _storage.ReadAsync(_grainType, _stateName, _grainKey, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            _state = new TState();
            Etag = null;
            return;
        }

        _state = _serializer.Deserialize<TState>(record.Payload, _grainType, _stateName, _grainKey);
        Etag = record.Etag;
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var payload = _serializer.Serialize(_state, _grainType, _stateName, _grainKey);
        Etag = await _storage.WriteAsync(_grainType, _stateName, _grainKey, payload, Etag, cancellationToken).ConfigureAwait(false);
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        await _storage.ClearAsync(_grainType, _stateName, _grainKey, Etag, cancellationToken).ConfigureAwait(false);
        _state = new TState();
        Etag = null;
    }
}
