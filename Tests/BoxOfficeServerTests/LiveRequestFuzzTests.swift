import BoxOfficeTestSupport
import Foundation
import Testing

@testable import BoxOfficeServer

@Suite("Fuzzing the WebSocket message decoder", .timeLimit(.minutes(1)))
struct LiveRequestFuzzTests {
    static let valid = [
        #"{"op":"subscribe","show":"shw_1","since":41}"#, #"{"op":"subscribe","show":"shw_1"}"#, #"{"op":"unsubscribe","show":"shw_1"}"#,
        #"{"op":"watch","theatre":"thr_1"}"#, #"{"op":"watch","theatre":"thr_1","date":"2026-11-27"}"#,
        #"{"op":"watch","city":"cty_1","date":"2026-11-27"}"#, #"{"op":"unwatch","city":"cty_1","date":"2026-11-27"}"#, #"{"op":"ping"}"#,
    ]
    static let pieces = [
        "{", "}", "[", "]", "\"", ":", ",", "op", "show", "since", "theatre", "city", "date", "null", "true", "-1", "1e999",
        "9223372036854775808", "\\u0000", "\\ud800", "é", "🎬", " ", "\n", "subscribe", "watch", "2026-02-30", "{}", "[]",
    ]

    @Test("20,000 seeded mutations and random strings: the decoder never crashes, and every answer is a request or a coded error")
    func mutations() {
        for seed in UInt64(1)...4 {
            var random = SplitMix64(seed: seed)
            for step in 0..<5_000 {
                var text = Self.valid.randomElement(using: &random)!
                switch Int.random(in: 0..<4, using: &random) {
                case 0:  // flip, drop or insert characters
                    var scalars = Array(text.unicodeScalars)
                    for _ in 0..<Int.random(in: 1...4, using: &random) where !scalars.isEmpty {
                        let index = Int.random(in: 0..<scalars.count, using: &random)
                        if Bool.random(using: &random) {
                            scalars.remove(at: index)
                        } else {
                            scalars.insert(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &random)), at: index)
                        }
                    }
                    text = String(String.UnicodeScalarView(scalars))
                case 1:  // splice in JSON-ish pieces
                    let index = text.index(text.startIndex, offsetBy: Int.random(in: 0...text.count, using: &random))
                    text.insert(contentsOf: Self.pieces.randomElement(using: &random)!, at: index)
                case 2:  // random text of pieces
                    text = (0..<Int.random(in: 0...12, using: &random)).map { _ in Self.pieces.randomElement(using: &random)! }.joined()
                default:  // deep nesting
                    let depth = Int.random(in: 1...600, using: &random)
                    text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
                }
                switch LiveRequest.parse(text) {
                case .success:
                    break
                case .failure(let error):
                    #expect(["invalid_json", "invalid_message", "unknown_op"].contains(error.code), "seed \(seed) step \(step): \(text)")
                    #expect(!error.message.isEmpty)
                }
            }
        }
    }

    @Test("a 64 KiB frame of nested brackets is refused as invalid_json, not parsed by backtracking for minutes")
    func deepNesting() {
        for opener in ["[", "{\"a\":", "[{\"op\":"] {
            let text = String(repeating: opener, count: 65_000 / opener.count)
            guard case .failure(let error) = LiveRequest.parse(text) else {
                Issue.record("nested junk was accepted")
                continue
            }
            #expect(error.code == "invalid_json")
        }
    }

    @Test("every valid message of the contract decodes to its request")
    func validMessages() {
        for text in Self.valid {
            guard case .success = LiveRequest.parse(text) else {
                Issue.record("\(text) was refused")
                continue
            }
        }
        #expect(LiveRequest.parse(#"{"op":"subscribe","show":"shw_1","since":41}"#) == .success(.subscribe(show: "shw_1", since: 41)))
        #expect(LiveRequest.parse(#"{"op":"subscribe","show":"shw_1","since":-1}"#).isFailure)
        #expect(LiveRequest.parse(#"{"op":"watch","theatre":"thr_1","city":"cty_1"}"#).isFailure)
    }
}

extension Result {
    var isFailure: Bool { if case .failure = self { true } else { false } }
}
