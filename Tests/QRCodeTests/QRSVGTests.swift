import Testing

@testable import QRCode

@Suite("QR code SVG documents")
struct QRSVGTests {
    @Test("the document is one well-formed svg element sized in modules, quiet zone included", arguments: [1, 7, 10])
    func shape(version: Int) throws {
        let capacities = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]
        let symbol = try QREncoder.encode(String(repeating: "q", count: capacities[version - 1]))
        let svg = QRSVG.document(for: symbol.matrix, label: "ticket")
        let side = 17 + 4 * version + 8
        #expect(try elementNames(svg) == ["svg", "title", "rect", "path"])
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\""))
        #expect(svg.contains(#"role="img""#) && svg.contains(#"aria-label="ticket""#) && svg.contains("<title>ticket</title>"))
        #expect(svg.contains(#"shape-rendering="crispEdges""#))
        #expect(svg.contains(##"<rect width="\##(side)" height="\##(side)" fill="#fff"/>"##))
    }

    @Test("the path covers exactly the dark modules, each shifted by the quiet zone")
    func path() throws {
        let symbol = try QREncoder.encode("https://cinema.example.com/ticket.html?booking=bkg_01HZX")
        let svg = QRSVG.document(for: symbol.matrix, label: "x")
        let start = try #require(svg.firstRange(of: #" d=""#)).upperBound
        let data = svg[start...].prefix { $0 != "\"" }
        var painted = Set<[Int]>()
        for run in data.split(separator: "M") {
            // "x y h width v1 h-width z"
            let numbers = run.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            #expect(numbers.count == 5 && numbers[3] == 1 && numbers[2] == numbers[4])
            for column in numbers[0]..<(numbers[0] + numbers[2]) {
                #expect(painted.insert([numbers[1] - 4, column - 4]).inserted, "painted twice")
            }
        }
        let dark = (0..<symbol.matrix.size).flatMap { row in
            (0..<symbol.matrix.size).filter { symbol.matrix[row, $0] }.map { [row, $0] }
        }
        #expect(painted == Set(dark))
    }

    @Test("the label is escaped for XML; characters XML cannot carry become U+FFFD")
    func escaping() throws {
        let label = "<a href='x'>\"Tom & Jerry\"</a>\u{1}\u{7F}é"
        let svg = QRSVG.document(for: try QREncoder.encode(label).matrix, label: label)
        let escaped = "&lt;a href=&apos;x&apos;&gt;&quot;Tom &amp; Jerry&quot;&lt;/a&gt;\u{FFFD}\u{7F}é"
        #expect(svg.contains("aria-label=\"\(escaped)\""))
        #expect(svg.contains("<title>\(escaped)</title>"))
        #expect(try elementNames(svg) == ["svg", "title", "rect", "path"])
    }
}

/// Why `elementNames` refused a document.
struct NotWellFormed: Error, CustomStringConvertible {
    let description: String
}

/// The names of the elements of `xml` in document order, after checking the subset of XML well-formedness these
/// documents can break: one root, tags nested and closed, attribute values quoted with no raw `<` or `&` in them,
/// character data with no raw `<`, `>` or stray `&`. (Foundation's XMLParser would need libxml2 at run time.)
func elementNames(_ xml: String) throws -> [String] {
    var names: [String] = []
    var open: [String] = []
    var characters = Substring(xml)
    func checkText(_ text: Substring) throws {
        var rest = text
        while let ampersand = rest.firstIndex(of: "&") {
            let entity = rest[ampersand...].prefix { $0 != ";" }
            guard ["&amp", "&lt", "&gt", "&quot", "&apos"].contains(String(entity)) else {
                throw NotWellFormed(description: "stray & in \(text)")
            }
            rest = rest[rest.index(ampersand, offsetBy: entity.count)...]
        }
        guard !text.contains("<") && !text.contains(">") else { throw NotWellFormed(description: "raw markup in \(text)") }
    }
    while let tagStart = characters.firstIndex(of: "<") {
        let text = characters[..<tagStart]
        if open.isEmpty {
            guard text.allSatisfy(\.isWhitespace) else { throw NotWellFormed(description: "text outside the root") }
        } else {
            try checkText(text)
        }
        guard let tagEnd = characters[tagStart...].firstIndex(of: ">") else { throw NotWellFormed(description: "unclosed tag") }
        var tag = characters[characters.index(after: tagStart)..<tagEnd]
        characters = characters[characters.index(after: tagEnd)...]
        if tag.hasPrefix("/") {
            guard open.popLast() == String(tag.dropFirst()) else { throw NotWellFormed(description: "mismatched </\(tag)>") }
            continue
        }
        let selfClosing = tag.hasSuffix("/")
        if selfClosing { tag = tag.dropLast() }
        let name = tag.prefix { !$0.isWhitespace }
        guard !name.isEmpty, !(open.isEmpty && !names.isEmpty) else { throw NotWellFormed(description: "a second root or an empty tag") }
        // Attributes: name="value" pairs, values free of < and with only known entities.
        var attributes = tag.dropFirst(name.count).drop(while: \.isWhitespace)
        while !attributes.isEmpty {
            guard let equals = attributes.firstIndex(of: "="), attributes[attributes.index(after: equals)] == "\"" else {
                throw NotWellFormed(description: "unquoted attribute in <\(tag)>")
            }
            let valueStart = attributes.index(equals, offsetBy: 2)
            guard let valueEnd = attributes[valueStart...].firstIndex(of: "\"") else {
                throw NotWellFormed(description: "unterminated attribute in <\(tag)>")
            }
            try checkText(attributes[valueStart..<valueEnd])
            attributes = attributes[attributes.index(after: valueEnd)...].drop(while: \.isWhitespace)
        }
        names.append(String(name))
        if !selfClosing { open.append(String(name)) }
    }
    guard open.isEmpty, characters.allSatisfy(\.isWhitespace), !names.isEmpty else {
        throw NotWellFormed(description: "unclosed elements \(open)")
    }
    return names
}
