import Foundation

/// Waits until `condition` holds, checking every `every` seconds, and returns the
/// seconds it took. Throws a timeout naming `what` otherwise: every wait in the
/// harness is bounded.
@discardableResult
func eventually(_ what: String, within timeout: Double, every: Double = 1,
                hint: String = "see the serial logs and libvirtd log under /var/tmp/ballast-e2e",
                _ condition: () async throws -> Bool) async throws -> Double {
    let start = Date()
    while true {
        if try await condition() { return Date().timeIntervalSince(start) }
        if Date().timeIntervalSince(start) > timeout {
            throw HarnessError.timedOut(what: what, seconds: timeout, hint: hint)
        }
        try await Task.sleep(for: .milliseconds(Int(every * 1000)))
    }
}
