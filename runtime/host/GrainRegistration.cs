namespace MemOS.Runtime;

/// <summary>One (grain interface, grain class) pair registered in the service collection.</summary>
internal sealed record GrainRegistration(Type InterfaceType, Type GrainClass);
