/// A QR code as an SVG document: one path of dark modules on a white square with the quiet zone around them,
/// sized in modules (the viewBox) so that whoever shows it picks the size, drawn with crisp edges so that no
/// anti-aliasing greys the module boundaries.
public enum QRSVG {
    /// Light modules around the symbol on every side (ISO/IEC 18004 §6.3.8 asks for 4).
    public static let quietZone = 4

    /// The SVG document for `matrix`; `label` (the encoded text, usually) becomes its title and accessible name.
    public static func document(for matrix: QRMatrix, label: String) -> String {
        let side = matrix.size + 2 * quietZone
        let escaped = escape(label)
        var path = ""
        // One rectangle per horizontal run of dark modules: "M x y h width v1 h -width z".
        for row in 0..<matrix.size {
            var column = 0
            while column < matrix.size {
                guard matrix[row, column] else {
                    column += 1
                    continue
                }
                let start = column
                while column < matrix.size && matrix[row, column] { column += 1 }
                let width = column - start
                path += "M\(start + quietZone) \(row + quietZone)h\(width)v1h-\(width)z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" role="img" aria-label="\(escaped)" \
            shape-rendering="crispEdges"><title>\(escaped)</title>\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>

            """
    }

    /// `text` made safe for XML character data and attribute values: the five markup characters escaped, and the
    /// characters XML 1.0 forbids (controls other than tab, newline and return; unpaired surrogates cannot occur in
    /// a Swift string) replaced by U+FFFD.
    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
