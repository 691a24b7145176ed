import BallastCore

extension PrometheusRenderer {
    /// `ballast_vm_virtio_mem_*`: each virtio-mem device's size, what Ballast asked it to
    /// plug, what the guest plugged, and whether that request went unmet past the deadline
    /// (docs/virtio-mem.md). Called only when some VM has a device.
    static func renderVirtioMem(_ vms: [VMSeries], devices: [VMID: VirtioMemState], into out: inout PrometheusText) {
        let gauges: [(StaticString, StaticString, (VirtioMemState) -> UInt64)] = [
            ("ballast_vm_virtio_mem_size_bytes", "The most the VM's virtio-mem device can plug.", \.size),
            ("ballast_vm_virtio_mem_requested_bytes", "What Ballast last asked the VM's virtio-mem device to plug.", \.requested),
            ("ballast_vm_virtio_mem_plugged_bytes", "What the guest has plugged of its virtio-mem device.", \.plugged),
            ("ballast_vm_virtio_mem_unmet", "1 when the guest left the virtio-mem request unmet past the deadline, else 0.",
             { $0.unmetForSeconds == nil ? 0 : 1 }),
        ]
        for (name, help, value) in gauges {
            header(name, "gauge", help, into: &out)
            for vm in vms {
                guard let device = devices[vm.id] else { continue }
                vmLine(name, vm, into: &out)
                out.appendInteger(value(device))
                out.append("\n")
            }
        }
    }
}
