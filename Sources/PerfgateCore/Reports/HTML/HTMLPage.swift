import Foundation

/// The frame every perfgate HTML page shares — the report and the history dashboard: one
/// self-contained file (inline style and script, no fonts or scripts from the network), the same
/// colours for the same verdicts, and cards that hold one chart each.
enum HTMLPage {
    /// The colour of a verdict (`neutral` for unchanged and the others).
    static func colour(_ verdict: Verdict, neutral: String = "#546e7a") -> String {
        switch verdict {
        case .regressed: return "#c62828"
        case .improved: return "#2e7d32"
        case .inconclusive: return "#ef8f00"
        case .unchanged: return neutral
        default: return "#9e9e9e"
        }
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:1240px;color:#1b1f23;padding:0 16px}
        h1{margin:0 0 8px}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}h3{margin:20px 0 8px}
        a{color:#1565c0}.verdict{font-size:20px;font-weight:600;border-left:6px solid;padding:6px 12px;background:#fafafa}
        .counts{display:flex;flex-wrap:wrap;gap:24px;list-style:none;padding:0}.note{background:#fff8e1;padding:6px 10px}
        .meta{color:#546e7a;font-size:12px}dl.method{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;font-size:13px}
        dl.method dt{font-weight:600}dl.method dd{margin:0}
        table{border-collapse:collapse;width:100%;font-size:12px}
        td,th{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;vertical-align:top}
        th{position:sticky;top:0;background:#fff}td.num{white-space:nowrap;text-align:right;font-variant-numeric:tabular-nums}
        td.name{word-break:break-all;min-width:180px}code{background:#f3f3f3;padding:1px 4px}
        .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(370px,1fr));gap:14px}
        .card{margin:0;border:1px solid #e0e4e7;border-radius:6px;padding:8px 10px;background:#fff;min-width:0}
        .card figcaption{font-size:12px;margin-bottom:4px;word-break:break-all}.card p{margin:4px 0 0;font-size:12px}
        .wide{overflow-x:auto}svg.chart{max-width:100%;height:auto;display:block}
        svg text{font:10px system-ui,sans-serif;fill:#37474f}svg text.axis-label{font-size:10px;fill:#263238;font-weight:600}
        .t-failed{color:#c62828}.t-met{color:#2e7d32}.t-at-risk{color:#ef8f00}
        .tip{position:absolute;display:none;background:#263238;color:#fff;font-size:12px;padding:3px 6px;border-radius:3px;
        pointer-events:none;white-space:nowrap;z-index:10}
        input{margin:8px 0;padding:4px 8px;width:320px;max-width:100%}footer{margin-top:40px;color:#546e7a;font-size:12px}
        """

    /// A whole page: `title`, then `body` (HTML), then the footer line.
    static func page(title: String, body: [String], footer: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(Markup.escape(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        \(style)
        </style></head><body>
        \(body.joined(separator: "\n"))
        <footer>\(footer)</footer>
        <script>
        (function(){var f=document.getElementById('filter');
        if(f){f.addEventListener('input',function(){var q=f.value.toLowerCase();
        document.querySelectorAll('[data-filter] tr, [data-filter] .card').forEach(function(r){
        if(r.parentNode.tagName==='THEAD')return;r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});});}
        var tip=document.createElement('div');tip.className='tip';document.body.appendChild(tip);
        document.querySelectorAll('rect[data-tips]').forEach(function(h){var tips=h.getAttribute('data-tips').split('|');
        var l=+h.getAttribute('data-left'),r=+h.getAttribute('data-right'),svg=h.ownerSVGElement,w=svg.viewBox.baseVal.width;
        h.addEventListener('mousemove',function(e){var b=svg.getBoundingClientRect(),x=(e.clientX-b.left)*w/b.width,
        i=Math.floor((x-l)/(r-l)*tips.length);if(i<0||i>=tips.length){tip.style.display='none';return;}
        tip.textContent=tips[i];tip.style.display='block';tip.style.left=(e.pageX+12)+'px';tip.style.top=(e.pageY+12)+'px';});
        h.addEventListener('mouseleave',function(){tip.style.display='none';});});
        document.body.setAttribute('data-rendered','yes');})();
        </script>
        </body></html>

        """
    }

    /// A card holding one chart: a caption (a link when `link` is given), the chart, and a line below it.
    static func card(caption: String, link: String? = nil, chart: String, below: String? = nil, id: String? = nil) -> String {
        let title = link.map { "<a href=\"\(Markup.escape($0))\">\(Markup.escape(caption))</a>" } ?? Markup.escape(caption)
        return "<figure class=\"card\"\(id.map { " id=\"\(Markup.escape($0))\"" } ?? "")><figcaption>\(title)</figcaption>\(chart)"
            + (below.map { "<p>\($0)</p>" } ?? "") + "</figure>"
    }
}
