import BallastMetrics
import Testing

@Suite("Prometheus text primitives")
struct PrometheusTextTests {
    private func text(_ write: (inout PrometheusText) -> Void) -> String {
        var out = PrometheusText()
        write(&out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test func escapesBackslashQuoteAndNewlineOnly() {
        #expect(text { $0.appendEscaped("a\\b\"c\nd\té") } == #"a\\b\"c\nd"# + "\té")
    }

    @Test func vmLabelsCarryDomainAndUUID() {
        let labels = String(decoding: PrometheusText.vmLabels(name: "x\"y", uuid: "u-1"), as: UTF8.self)
        #expect(labels == #"domain="x\"y",uuid="u-1""#)
    }

    @Test(arguments: [
        (0, "0"), (1500, "1.5"), (1000, "1"), (5, "0.005"), (50, "0.05"), (-1250, "-1.25"), (123_456, "123.456"),
    ])
    func millicoresBecomeCores(millicores: Int, expected: String) {
        #expect(text { $0.appendMillicoresAsCores(millicores) } == expected)
    }

    @Test(arguments: [
        (0.0, "0"), (1.0, "1"), (0.875, "0.875"), (0.0025, "0.0025"), (-2.5, "-2.5"), (1e-12, "1e-12"),
        (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (12_345_678_901.0, "12345678901"), (3.000000001, "3.000000001"),
    ])
    func doublesParseBack(value: Double, expected: String) {
        #expect(text { $0.appendDouble(value) } == expected)
    }

    @Test func nanIsSpelledAsPrometheusExpects() {
        #expect(text { $0.appendDouble(.nan) } == "NaN")
    }

    @Test(arguments: [UInt64(0), 7, 10, 18_446_744_073_709_551_615])
    func integersAreDecimal(value: UInt64) {
        #expect(text { $0.appendInteger(value) } == String(value))
    }
}
