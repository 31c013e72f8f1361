// SPDX-License-Identifier: GPL-3.0-or-later
#include "render/js_renderer.h"

#include <QCoreApplication>
#include <QFile>
#include <QJSEngine>
#include <QJSValue>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <map>

namespace deepdesk::render {

namespace {

// Lean 4 (DeepSeek-Prover's language), which highlight.js does not know: a grammar of our own.
constexpr const char* k_lean_grammar = R"JS(
hljs.registerLanguage('lean', function(hljs) {
  return {
    aliases: ['lean4'],
    keywords: {
      keyword: 'theorem lemma def example abbrev instance structure class inductive where deriving ' +
               'extends namespace section end open import export variable universe axiom noncomputable ' +
               'private protected partial unsafe mutual macro syntax macro_rules set_option attribute ' +
               'local scoped if then else match with fun let have show from by at calc do return for ' +
               'in unless mut sorry this',
      built_in: 'intro intros exact apply rw rewrite simp simp_all norm_num ring linarith nlinarith omega ' +
                'decide constructor cases rcases obtain induction use refine exists contradiction ' +
                'assumption trivial rfl unfold aesop positivity field_simp gcongr push_neg by_contra ' +
                'exfalso left right specialize',
      type: 'Nat Int Rat Real Complex Prop Type Sort Bool String List Array Fin Set Finset',
      literal: 'true false True False'
    },
    contains: [
      hljs.COMMENT('--', '$'),
      hljs.COMMENT('/-', '-/', { contains: ['self'] }),
      hljs.QUOTE_STRING_MODE,
      hljs.C_NUMBER_MODE,
      { className: 'meta', begin: '@\\[', end: '\\]' }
    ]
  };
});
)JS";

// Colours per highlight.js class: light, dark.
struct colour_pair {
    const char* light;
    const char* dark;
};
const std::map<std::string, colour_pair>& colours() {
    static const std::map<std::string, colour_pair> m = {
        {"keyword", {"#cf222e", "#ff7b72"}},  {"selector-tag", {"#cf222e", "#ff7b72"}},
        {"string", {"#0a3069", "#a5d6ff"}},   {"regexp", {"#116329", "#7ee787"}},
        {"comment", {"#6e7781", "#8b949e"}},  {"quote", {"#6e7781", "#8b949e"}},
        {"number", {"#0550ae", "#79c0ff"}},   {"literal", {"#0550ae", "#79c0ff"}},
        {"symbol", {"#0550ae", "#79c0ff"}},   {"attr", {"#0550ae", "#79c0ff"}},
        {"attribute", {"#0550ae", "#79c0ff"}}, {"title", {"#8250df", "#d2a8ff"}},
        {"section", {"#8250df", "#d2a8ff"}},  {"built_in", {"#953800", "#ffa657"}},
        {"type", {"#953800", "#ffa657"}},     {"class", {"#953800", "#ffa657"}},
        {"variable", {"#953800", "#ffa657"}}, {"template-variable", {"#953800", "#ffa657"}},
        {"params", {"#1f2328", "#e6edf3"}},   {"meta", {"#116329", "#7ee787"}},
        {"name", {"#116329", "#7ee787"}},     {"tag", {"#116329", "#7ee787"}},
        {"addition", {"#116329", "#7ee787"}}, {"deletion", {"#82071e", "#ffa198"}},
        {"subst", {"#1f2328", "#e6edf3"}},    {"doctag", {"#cf222e", "#ff7b72"}},
    };
    return m;
}

QString read_file(const std::string& path, bool* ok) {
    QFile f(QString::fromStdString(path));
    *ok = f.open(QIODevice::ReadOnly);
    return *ok ? QString::fromUtf8(f.readAll()) : QString();
}

}  // namespace

struct js_renderer::impl {
    js_paths paths;
    std::unique_ptr<QJSEngine> engine;
    bool tried = false;
    bool katex = false;
    bool hljs = false;
    std::string status;
    std::string last_error;

    void load() {
        if (tried) {
            return;
        }
        tried = true;
        // Both bundles trip the QML compiler's "used before its declaration" notes, which are
        // about their minified style, not errors.
        QLoggingCategory::setFilterRules(QStringLiteral("qt.qml.compiler=false"));
        if (QCoreApplication::instance() == nullptr) {
            // QJSEngine needs an application object; a command-line tool has none of its own.
            static int argc = 1;
            static char name[] = "deepdesk";
            static char* argv[] = {name, nullptr};
            static QCoreApplication app(argc, argv);
        }
        engine = std::make_unique<QJSEngine>();
        engine->globalObject().setProperty(QStringLiteral("self"), engine->globalObject());
        // highlight.js writes notes to the console on some inputs; they go nowhere.
        engine->evaluate(QStringLiteral("var console = { log: function() {}, info: function() {}, "
                                        "warn: function() {}, error: function() {}, debug: function() {} };"));
        bool ok = false;
        const QString k = read_file(paths.katex, &ok);
        if (!ok) {
            status += "KaTeX not found at " + paths.katex + " (package libjs-katex); ";
        } else {
            const QJSValue r = engine->evaluate(k, QString::fromStdString(paths.katex));
            katex = !r.isError() && engine->evaluate(QStringLiteral("typeof katex.renderToString")).toString() ==
                                        QStringLiteral("function");
            if (!katex) {
                status += "KaTeX did not load: " + r.toString().toStdString() + "; ";
            }
        }
        const QString h = read_file(paths.highlight, &ok);
        if (!ok) {
            status += "highlight.js not found at " + paths.highlight + " (package libjs-highlight.js); ";
        } else {
            const QJSValue r = engine->evaluate(h, QString::fromStdString(paths.highlight));
            hljs = !r.isError() &&
                   engine->evaluate(QStringLiteral("typeof hljs.highlight")).toString() == QStringLiteral("function");
            if (hljs) {
                const QJSValue lean = engine->evaluate(QString::fromUtf8(k_lean_grammar));
                if (lean.isError()) {
                    status += "the Lean grammar did not load: " + lean.toString().toStdString() + "; ";
                }
            } else {
                status += "highlight.js did not load: " + r.toString().toStdString() + "; ";
            }
        }
        if (katex) {
            engine->globalObject().setProperty(
                QStringLiteral("__math"),
                engine->evaluate(QStringLiteral(
                    "(function(tex, display) { try { return { html: katex.renderToString(tex, { output: 'mathml', "
                    "displayMode: display, throwOnError: true, strict: 'ignore', trust: false, maxSize: 50, "
                    "maxExpand: 500 }) }; } catch (e) { return { error: String(e.message || e) }; } })")));
        }
        if (hljs) {
            engine->globalObject().setProperty(
                QStringLiteral("__code"),
                engine->evaluate(QStringLiteral(
                    "(function(code, lang) { if (!hljs.getLanguage(lang)) return ''; "
                    "try { return hljs.highlight(lang, code, true).value; } catch (e) { return ''; } })")));
        }
    }
};

js_renderer::js_renderer(js_paths paths) : m(std::make_unique<impl>()) { m->paths = std::move(paths); }
js_renderer::~js_renderer() = default;

std::string js_renderer::mathml(std::string_view tex, bool display) {
    m->load();
    if (!m->katex) {
        m->last_error = m->status;
        return {};
    }
    const QJSValue fn = m->engine->globalObject().property(QStringLiteral("__math"));
    const QJSValue r =
        fn.call({QJSValue(QString::fromUtf8(tex.data(), static_cast<qsizetype>(tex.size()))), QJSValue(display)});
    if (r.isError() || !r.property(QStringLiteral("html")).isString()) {
        m->last_error = r.isError() ? r.toString().toStdString()
                                    : r.property(QStringLiteral("error")).toString().toStdString();
        return {};
    }
    return r.property(QStringLiteral("html")).toString().toStdString();
}

std::string js_renderer::highlight(std::string_view code, std::string_view language) {
    m->load();
    if (!m->hljs || language.empty()) {
        return {};
    }
    const QJSValue fn = m->engine->globalObject().property(QStringLiteral("__code"));
    const QJSValue r = fn.call({QJSValue(QString::fromUtf8(code.data(), static_cast<qsizetype>(code.size()))),
                                QJSValue(QString::fromUtf8(language.data(), static_cast<qsizetype>(language.size()))
                                             .toLower())});
    return r.isString() ? r.toString().toStdString() : std::string();
}

markdown_hooks js_renderer::hooks() {
    markdown_hooks h;
    h.math = [this](std::string_view tex, bool display) { return mathml(tex, display); };
    h.code = [this](std::string_view code, std::string_view language) { return highlight(code, language); };
    return h;
}

std::string js_renderer::last_error() const { return m->last_error; }

std::string js_renderer::status() {
    m->load();
    return m->status;
}

std::string export_style_sheet() {
    std::string light, dark;
    for (const auto& [cls, c] : colours()) {
        light += ".hljs-" + cls + "{color:" + c.light + "}";
        dark += ".hljs-" + cls + "{color:" + c.dark + "}";
    }
    return ".code{border:1px solid #d0d7de;border-radius:8px;margin:.6em 0;overflow:hidden}"
           ".code-lang{font-size:.8em;color:#59636e;padding:.3em .8em;border-bottom:1px solid #d0d7de;"
           "background:#f6f8fa}"
           ".code pre{margin:0;padding:.8em;overflow-x:auto;background:#fff}"
           "code,pre{font-family:ui-monospace,'DejaVu Sans Mono','Noto Sans Mono CJK SC',monospace;font-size:.92em}"
           ".hljs-comment,.hljs-quote{font-style:italic}.hljs-keyword,.hljs-title{font-weight:600}" +
           light +
           ".table-wrap{overflow-x:auto;margin:.6em 0}table{border-collapse:collapse}"
           "th,td{border-bottom:1px solid #d0d7de;padding:.35em .8em}th{border-bottom:2px solid #8c959f;"
           "text-align:left}"
           ".math-display{overflow-x:auto;overflow-y:hidden;margin:.6em 0;padding:.2em 0;text-align:center}"
           "math{font-size:1.1em;font-family:'Latin Modern Math','STIX Two Math','Cambria Math',math}"
           // MathML Core (Chromium) draws no box for menclose: R1's \boxed answers get one here.
           "menclose[notation=box]{border:1px solid currentColor;padding:.1em .3em}"
           ".math-source{color:#82071e}"
           "@media (prefers-color-scheme: dark){.code pre{background:#0d1117;color:#e6edf3}"
           ".code-lang{background:#161b22;color:#8b949e}" +
           dark + "}";
}

std::string with_inline_colours(std::string_view hljs_html, bool dark) {
    static const QRegularExpression span(QStringLiteral("<span class=\"hljs-([a-z_-]+)[^\"]*\">"));
    const QString in = QString::fromUtf8(hljs_html.data(), static_cast<qsizetype>(hljs_html.size()));
    QString out;
    out.reserve(in.size() + in.size() / 4);
    qsizetype at = 0;
    for (auto it = span.globalMatch(in); it.hasNext();) {
        const QRegularExpressionMatch mt = it.next();
        out += QStringView(in).mid(at, mt.capturedStart() - at);
        const auto c = colours().find(mt.captured(1).toStdString());
        if (c == colours().end()) {
            out += QStringLiteral("<span>");
        } else {
            const QString cls = mt.captured(1);
            const bool italic = cls == QStringLiteral("comment") || cls == QStringLiteral("quote");
            out += QStringLiteral("<span style=\"color:%1%2\">")
                       .arg(QLatin1String(dark ? c->second.dark : c->second.light),
                            italic ? QStringLiteral(";font-style:italic") : QString());
        }
        at = mt.capturedEnd();
    }
    out += QStringView(in).mid(at);
    return out.toStdString();
}

}  // namespace deepdesk::render
