import Testing
@testable import BallastCore

struct DecimalTextTests {
    @Test(arguments: [
        (2.345, 1, "2.3"), (2.35, 1, "2.4"), (-0.05, 1, "-0.1"), (-0.04, 1, "0.0"),
        (0.0, 2, "0.00"), (1234.5, 0, "1235"), (0.5, 0, "1"), (7.0, 3, "7.000"), (0.007, 2, "0.01"),
    ])
    func fixedPlacesRoundHalfAwayFromZero(value: Double, places: Int, expected: String) {
        #expect(value.decimalText(places: places) == expected)
    }

    @Test func nonFiniteValuesAreNamed() {
        #expect(Double.nan.decimalText(places: 1) == "nan")
        #expect(Double.infinity.decimalText(places: 1) == "inf")
        #expect((-Double.infinity).decimalText(places: 1) == "-inf")
    }

    @Test(arguments: [(1234.5, "1235"), (2.5, "2.50"), (0.01234, "0.0123"), (0, "0")])
    func significantDigitsForPlotLabels(value: Double, expected: String) {
        #expect(value.significantText(digits: 3) == expected)
    }
}

struct PlainTextTests {
    @Test func padsByCharactersNotBytes() {
        #expect("é".padded(toWidth: 3) == "é  ")
        #expect("7".padded(toWidth: 3, alignRight: true) == "  7")
        #expect("toolong".padded(toWidth: 3) == "toolong")
    }

    @Test func trimsWhitespaceAndNewlinesOnBothEnds() {
        #expect(" \t 4 GiB \n".trimmedWhitespace == "4 GiB")
        #expect("   ".trimmedWhitespace == "")
        #expect("a b"[...].trimmedWhitespace == "a b")
    }
}
