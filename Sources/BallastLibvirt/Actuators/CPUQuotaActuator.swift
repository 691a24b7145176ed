/// Caps a running domain's CPU bandwidth: `millicores` split evenly over its
/// effective vCPUs as `vcpu_quota` per `vcpu_period` (live scheduler parameters).
/// Runs after a vCPU change of the same tick, so the split uses the new count.
struct CPUQuotaActuator {
    let connection: LibvirtConnection
    /// The CFS period, µs.
    let period: UInt64

    func apply(uuid: String, millicores: Int, effectiveVCPUs: Int) async throws(LibvirtError) {
        let quota = SchedulerParameters.quota(millicores: millicores, vcpus: effectiveVCPUs, period: period)
        try await connection.setScheduler(uuid: uuid, SchedulerParameters(vcpuQuota: quota, vcpuPeriod: period))
    }
}
