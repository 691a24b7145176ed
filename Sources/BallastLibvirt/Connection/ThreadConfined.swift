/// A value that only one thread ever touches: the libvirt connection's state, handed to
/// the jobs of its one-thread pool and read nowhere else. The compiler cannot see that
/// confinement (a thread pool has no per-thread state to hold it), so this box is
/// `@unchecked Sendable` and exists only to carry the value into those jobs.
final class ThreadConfined<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
