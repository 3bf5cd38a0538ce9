/// A line chart as inline SVG: one `polyline` per series over a frame with its ticks, drawn in
/// a 1000 × 340 view box that the page scales to its width.
struct SVGLineChart: Sendable {
  /// How the horizontal axis reads.
  enum XAxis: Sendable {
    /// Seconds from 0, linear.
    case seconds
    /// HdrHistogram's percentile scale over `decades` decades of `1 / (1 - percentile)`: x values
    /// are ``PercentileCurve/Point/decade``, ticks are labeled 0%, 90%, 99%, …
    case percentile(decades: Int)
  }

  /// One line.
  struct Series: Sendable {
    /// Its name, shown in the legend.
    var name: String
    /// Its CSS class, which gives its color.
    var style: String
    /// Its points, in data units.
    var points: [(x: Double, y: Double)]
  }

  /// The `svg` element's id.
  var id: String
  /// What it shows, as the image's accessible name.
  var title: String
  /// The horizontal axis.
  var xAxis: XAxis
  /// The vertical axis' title (its unit).
  var yTitle: String
  /// The lines.
  var series: [Series]
  /// What the chart says instead when no series has a point.
  var emptyNote: String

  private static let (width, height) = (1000.0, 340.0)
  private static let (left, right, top, bottom) = (70.0, 980.0, 34.0, 296.0)

  /// The chart's SVG element.
  var svg: String {
    let points = series.flatMap(\.points)
    let yScale = ChartScale(largest: points.map(\.y).max() ?? 0)
    let (xTop, xTicks) = horizontal(largest: points.map(\.x).max() ?? 0)
    func x(_ value: Double) -> Double { Self.left + (Self.right - Self.left) * value / xTop }
    func y(_ value: Double) -> Double { Self.bottom - (Self.bottom - Self.top) * value / yScale.top }
    var parts: [String] = []
    for tick in yScale.ticks {
      parts.append(line("grid", from: (Self.left, y(tick)), to: (Self.right, y(tick))))
      parts.append(label("tick", at: (Self.left - 8, y(tick) + 4), anchor: "end", ChartScale.label(tick)))
    }
    for (value, text) in xTicks {
      parts.append(line("grid", from: (x(value), Self.top), to: (x(value), Self.bottom)))
      parts.append(label("tick", at: (x(value), Self.bottom + 18), anchor: "middle", text))
    }
    parts.append(
      Self.element(
        "rect",
        [
          ("class", "frame"), ("x", n(Self.left)), ("y", n(Self.top)), ("width", n(Self.right - Self.left)),
          ("height", n(Self.bottom - Self.top)),
        ]))
    parts.append(label("axis", at: ((Self.left + Self.right) / 2, Self.height - 8), anchor: "middle", xTitle))
    parts.append(label("axis", at: (Self.left, Self.top - 12), anchor: "start", yTitle))
    if points.isEmpty {
      let middle = ((Self.left + Self.right) / 2, (Self.top + Self.bottom) / 2)
      parts.append(label("empty", at: middle, anchor: "middle", emptyNote))
    }
    var legend = Self.right
    for entry in series.reversed() {
      legend -= 14 + 8 * Double(entry.name.count) + 24
      parts.append(
        line("series " + entry.style, from: (legend, Self.top - 16), to: (legend + 14, Self.top - 16)))
      parts.append(label("legend", at: (legend + 18, Self.top - 12), anchor: "start", entry.name))
    }
    for entry in series {
      let coordinates = entry.points.map { "\(n(x($0.x))),\(n(y($0.y)))" }.joined(separator: " ")
      parts.append(
        Self.element(
          "polyline",
          [("class", "series " + entry.style), ("data-series", entry.name), ("points", coordinates)]))
    }
    let attributes = [
      ("id", id), ("class", "plot"), ("viewBox", "0 0 \(n(Self.width)) \(n(Self.height))"),
      ("width", n(Self.width)), ("height", n(Self.height)), ("role", "img"), ("aria-label", title),
      ("data-expected-points", series.map { "\($0.points.count)" }.joined(separator: ",")),
    ]
    return Self.element("svg", attributes, content: "\n" + parts.joined(separator: "\n") + "\n")
  }

  /// An element with its attributes, values escaped, and `content` (markup, not escaped here);
  /// without content, self-closed.
  private static func element(_ name: String, _ attributes: [(String, String)], content: String? = nil)
    -> String
  {
    let opening = "<" + name + attributes.map { " \($0)=\"\(HTMLText.escape($1))\"" }.joined()
    return content.map { opening + ">" + $0 + "</" + name + ">" } ?? opening + "/>"
  }

  /// A `line` element of CSS class `style`.
  private func line(_ style: String, from start: (Double, Double), to end: (Double, Double)) -> String {
    Self.element(
      "line", [("class", style), ("x1", n(start.0)), ("y1", n(start.1)), ("x2", n(end.0)), ("y2", n(end.1))])
  }

  /// A `text` element of CSS class `style` showing `text`, escaped.
  private func label(_ style: String, at point: (Double, Double), anchor: String, _ text: String) -> String {
    Self.element(
      "text", [("class", style), ("x", n(point.0)), ("y", n(point.1)), ("text-anchor", anchor)],
      content: HTMLText.escape(text))
  }

  /// The horizontal axis' title.
  private var xTitle: String {
    switch xAxis {
    case .seconds: "seconds since the window began"
    case .percentile: "percentile (scale of 1 / (1 − percentile))"
    }
  }

  /// The horizontal axis' right end and its labeled ticks, for values up to `largest`.
  private func horizontal(largest: Double) -> (Double, [(Double, String)]) {
    switch xAxis {
    case .seconds:
      let scale = ChartScale(largest: largest)
      return (scale.top, scale.ticks.map { ($0, ChartScale.label($0)) })
    case .percentile(let decades):
      let count = Swift.max(decades, 1)
      return (Double(count), (0...count).map { (Double($0), PercentileCurve.label(decade: $0)) })
    }
  }

  /// A coordinate with one fraction digit.
  private func n(_ value: Double) -> String { FixedPoint.format(value, 1) }
}
