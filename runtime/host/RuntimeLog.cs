using Microsoft.Extensions.Logging;

namespace MemOS.Runtime;

/// <summary>The grain runtime's log events (event ids 1000-1099; storage uses 1100-1199).</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "Activated grain {GrainType}/{GrainKey}")]
    public static partial void LogDebugActivationCreated(this ILogger logger, string grainType, string grainKey);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Deactivated grain {GrainType}/{GrainKey} ({Reason})")]
    public static partial void LogDebugActivationFinished(this ILogger logger, string grainType, string grainKey, DeactivationReason reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Activation of grain {GrainType}/{GrainKey} failed; the calls waiting for it fail too")]
    public static partial void LogErrorActivationFailed(this ILogger logger, Exception exception, string grainType, string grainKey);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "OnDeactivateAsync of grain {GrainType}/{GrainKey} failed ({Reason}); the activation is dropped anyway")]
    public static partial void LogErrorDeactivationFailed(this ILogger logger, Exception exception, string grainType, string grainKey, DeactivationReason reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "A timer callback of grain {GrainType}/{GrainKey} failed; the timer continues")]
    public static partial void LogErrorTimerCallbackFailed(this ILogger logger, Exception exception, string grainType, string grainKey);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Disposing grain {GrainType}/{GrainKey} failed")]
    public static partial void LogErrorDisposeFailed(this ILogger logger, Exception exception, string grainType, string grainKey);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Critical, Message = "The turn loop of grain {GrainType}/{GrainKey} failed unexpectedly")]
    public static partial void LogErrorTurnLoopFailed(this ILogger logger, Exception exception, string grainType, string grainKey);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Error, Message = "Idle activation collection failed")]
    public static partial void LogErrorIdleCollectionFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Debug, Message = "Deactivated {Count} idle activations")]
    public static partial void LogDebugIdleCollected(this ILogger logger, int count);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Grain runtime stopping: deactivating {Count} activations")]
    public static partial void LogInformationStopping(this ILogger logger, int count);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Grain runtime stop was cancelled with {Count} activations still live")]
    public static partial void LogWarningStopCancelled(this ILogger logger, int count);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information,
        Message = "Deactivated {Count} activations whose grains cluster view {ViewVersion} places on other silos")]
    public static partial void LogInformationRebalanced(this ILogger logger, int count, long viewVersion);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning,
        Message = "A grain call could not be delivered to silo {SiloId} at {Endpoint} (attempt {Attempt}); routing it again")]
    public static partial void LogWarningForwardFailed(this ILogger logger, Exception exception, string siloId, Uri endpoint, int attempt);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "Re-reading the cluster membership after a failed call failed")]
    public static partial void LogWarningRefreshFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Error, Message = "Deactivating the grains a new cluster view places elsewhere failed")]
    public static partial void LogErrorRebalanceFailed(this ILogger logger, Exception exception);
}
