import BallastCore
@testable import BallastPlugins
import Testing

@Suite("decide answer validation, entry by entry")
struct AnswerValidatorTests {
    let snapshot = SyntheticSnapshot.make(vms: 8)

    func id(_ index: Int) -> String { SyntheticSnapshot.uuid(index) }

    @Test func acceptsGoodEntriesAndRefusesEachBadOneWithAReason() throws {
        let text = """
        {"allocations":[
          {"id":"\(id(0))","cpu_weight":2048,"reason":"ok"},
          {"id":"00000000-0000-0000-0000-00000000dead","cpu":1,"reason":"x"},
          {"id":"\(id(1))","memory":-1,"reason":"x"},
          {"id":"\(id(2))","cpu":NaN,"reason":"x"},
          {"id":"\(id(3))","memory":1e300,"reason":"x"},
          {"id":"\(id(4))","cpu":1.5,"reason":"x"},
          {"id":"\(id(5))","cpu":100,"reason":"a"},
          {"id":"\(id(5))","cpu":200,"reason":"b"},
          {"id":"\(id(6))","cpu":100},
          {"id":"\(id(7))","reason":"nothing"},
          {"cpu":1,"reason":"no id"},
          7,
          {"id":"\(id(7))","vcpus":99,"reason":"too many"}
        ]}
        """
        let result = try JSONParser.parse(text)
        let answer = try AnswerValidator.validate(result, snapshot: snapshot).get()
        #expect(answer.accepted.count == 1)
        #expect(answer.accepted[VMID(id(0))]?.cpuWeight?.value == 2048)
        let reasons = answer.rejected.map(\.reason)
        #expect(answer.rejected.count == 12)
        for fragment in ["unknown VM id", "negative", "NaN", "too large", "not an integer", "duplicate",
                         "missing field reason", "names no resource", "missing field id", "expected an object",
                         "vcpus 99 is too large"] {
            #expect(reasons.contains { $0.contains(fragment) }, "no rejection mentions \(fragment): \(reasons)")
        }
    }

    @Test func hugeIntegersBeyondInt64AreRefused() throws {
        let result = try JSONParser.parse(#"{"allocations":[{"id":"\#(id(0))","memory":99999999999999999999,"reason":"x"}]}"#)
        let answer = try AnswerValidator.validate(result, snapshot: snapshot).get()
        #expect(answer.accepted.isEmpty)
        #expect(answer.rejected.first?.reason.contains("too large") == true)
    }

    @Test(arguments: ["[]", "{}", #"{"allocations":{}}"#, "null"])
    func refusesAnAnswerWithoutAllocationsArray(_ text: String) throws {
        let result = try JSONParser.parse(text)
        #expect(throws: MalformedAnswer.self) { try AnswerValidator.validate(result, snapshot: snapshot).get() }
    }

    @Test func mergesOnlyTheNamedResources() throws {
        let result = try JSONParser.parse(#"{"allocations":[{"id":"\#(id(2).uppercased())","memory":1073741824,"reason":"shrink"}]}"#)
        let answer = try AnswerValidator.validate(result, snapshot: snapshot).get()
        let merged = Proposal.keepCurrent(snapshot).merging(answer.accepted, stage: "p")
        #expect(merged.entries[2].allocation.memory == 1 << 30)
        #expect(merged.entries[2].allocation.cpu == snapshot.vms[2].current.cpu)
        #expect(merged.entries[2].stage == "p")
        #expect(merged.entries[2].reason == "shrink")
    }
}
