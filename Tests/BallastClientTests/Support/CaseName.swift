/// The name of an error enum's case ("timedOut"), so a test can say which case
/// it expects without a `guard case` for each.
func caseName(_ error: (any Error)?) -> String? {
    guard let error else { return nil }
    return Mirror(reflecting: error).children.first?.label ?? "\(error)"
}
