import BallastCore

/// Sets a running domain's CFS weight (`cpu_shares` through
/// `virDomainSetSchedulerParametersFlags`, live). A `CPUWeight` is always within
/// libvirt's range, so there is nothing to check.
struct CPUWeightActuator {
    let connection: LibvirtConnection

    func apply(uuid: String, weight: CPUWeight) async throws(LibvirtError) {
        try await connection.setScheduler(uuid: uuid, SchedulerParameters(cpuShares: UInt64(weight.value)))
    }
}
