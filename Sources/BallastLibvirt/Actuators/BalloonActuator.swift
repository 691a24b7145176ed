/// The memory actuator for guests with a virtio balloon: sets the live balloon
/// target (`virDomainSetMemoryFlags`, live). The governor has already kept the
/// target between the guest's floor and its ceiling, and only changes memory of
/// guests that report balloon statistics (so they have a balloon).
struct BalloonActuator {
    let connection: LibvirtConnection

    func apply(uuid: String, bytes: UInt64) async throws(LibvirtError) {
        try await connection.setBalloonTarget(uuid: uuid, bytes: bytes)
    }
}
