/// The clamps the governor can impose, as the fixed texts that appear in
/// `GovernedVM.clamps` and, with numbers, in each `Change.reason`.
public enum GovernorClamp {
    public static let memoryFloor = "memory: raised to the floor (configured floor, or guest used + margin where that is below the current size)"
    public static let memoryGrowthLimited = "memory: growth limited to the room free in the guest capacity"
    public static let memoryFloorAboveCeiling = "memory: floor above the ceiling, floor lowered to the ceiling"
    public static let memoryCeiling = "memory: lowered to the ceiling"
    public static let memoryShrinkStep = "memory: shrink limited per tick"
    public static let memoryEmergencyNoGrowth = "memory: emergency, no growth beyond the floor"
    public static let memoryEmergencyIdleShrink = "memory: emergency, idle VM shrunk faster"
    public static let memoryLowConfidence = "memory: estimate not confident enough to shrink"
    public static let memoryHysteresis = "memory: change below the minimum (hysteresis)"
    public static let memoryCeilingUnknown = "memory: the VM's memory ceiling is unknown (0), memory left alone"
    public static let cpuCeilingUnknown = "cpu quota: the VM's CPU ceiling is unknown (0), quota left alone"
    public static let memoryNoBalloonStats = "memory: guest reports no balloon statistics, memory left alone"
    public static let cpuMinimum = "cpu quota: raised to the minimum"
    public static let cpuCeiling = "cpu quota: lowered to the ceiling"
    public static let cpuHysteresis = "cpu quota: change below the minimum (hysteresis)"
    public static let vcpusNoHotplug = "vcpus: hot-plug not enabled, count left alone"
    public static let vcpusBounds = "vcpus: kept within the VM's minimum and maximum"
    public static let vcpusCooldown = "vcpus: hot-plug cool-down"
    public static let missingProposal = "no proposal for this VM: current allocation kept"
}
