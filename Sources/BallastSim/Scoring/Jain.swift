/// Jain's fairness index (Σx)² / (n Σx²): 1 when all x are equal, 1/n when one takes all.
enum Jain {
    static func index(_ values: UnsafeBufferPointer<Double>, count: Int) -> Double {
        var sum = 0.0
        var squares = 0.0
        for index in 0..<count {
            sum += values[index]
            squares += values[index] * values[index]
        }
        guard count > 0, squares > 0 else { return 1 }
        return sum * sum / (Double(count) * squares)
    }
}
