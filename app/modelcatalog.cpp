// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/modelcatalog.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

namespace deepdesk::app {
namespace {

[[noreturn]] void bad(const QString& where, const QString& what) {
    throw CatalogError((where.isEmpty() ? what : where + QStringLiteral(": ") + what).toStdString());
}

QString text(const QJsonObject& o, const char* key, const QString& where, bool required = true) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() && !required) {
        return {};
    }
    if (!v.isString() || (required && v.toString().trimmed().isEmpty())) {
        bad(where, QStringLiteral("\"%1\" must be a non-empty string").arg(QLatin1String(key)));
    }
    return v.toString();
}

double number(const QJsonObject& o, const char* key, const QString& where) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (!v.isDouble() || v.toDouble() <= 0) {
        bad(where, QStringLiteral("\"%1\" must be a positive number").arg(QLatin1String(key)));
    }
    return v.toDouble();
}

bool flag(const QJsonObject& o, const char* key, const QString& where) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        return false;
    }
    if (!v.isBool()) {
        bad(where, QStringLiteral("\"%1\" must be true or false").arg(QLatin1String(key)));
    }
    return v.toBool();
}

}  // namespace

bool architectureSupported(const QString& architecture) {
    return architecture == QLatin1String("llama") || architecture == QLatin1String("qwen2") ||
           architecture == QLatin1String("qwen3") || architecture == QLatin1String("deepseek2");
}

Catalog Catalog::parse(const QByteArray& json) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError) {
        bad({}, QStringLiteral("not valid JSON (%1 at byte %2)").arg(err.errorString()).arg(err.offset));
    }
    if (!doc.isObject()) {
        bad({}, QStringLiteral("the top level must be an object"));
    }
    const QJsonObject root = doc.object();
    Catalog c;
    if (!root.value(QStringLiteral("version")).isDouble()) {
        bad({}, QStringLiteral("\"version\" is missing"));
    }
    c.version = root.value(QStringLiteral("version")).toInt();
    if (c.version != 1) {
        bad({}, QStringLiteral("catalog version %1 is not supported (this DeepDesk reads version 1)").arg(c.version));
    }
    const QJsonValue models = root.value(QStringLiteral("models"));
    if (!models.isArray() || models.toArray().isEmpty()) {
        bad({}, QStringLiteral("\"models\" must be a non-empty list"));
    }
    static const QRegularExpression repoPattern(QStringLiteral("^[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$"));
    QSet<QString> ids;
    int index = 0;
    for (const QJsonValue& v : models.toArray()) {
        const QString at = QStringLiteral("model %1").arg(index++);
        if (!v.isObject()) {
            bad(at, QStringLiteral("must be an object"));
        }
        const QJsonObject o = v.toObject();
        CatalogModel m;
        m.id = text(o, "id", at);
        const QString where = QStringLiteral("model \"%1\"").arg(m.id);
        if (ids.contains(m.id)) {
            bad(where, QStringLiteral("the id appears twice"));
        }
        ids.insert(m.id);
        m.name = text(o, "name", where);
        m.architecture = text(o, "architecture", where);
        m.license = text(o, "license", where);
        m.page = text(o, "page", where, false);
        m.parametersB = number(o, "parameters_b", where);
        m.context = static_cast<qint64>(number(o, "context", where));
        m.kvBytesPerToken = static_cast<qint64>(number(o, "kv_bytes_per_token", where));
        m.reasoning = flag(o, "reasoning", where);
        m.recommended = flag(o, "recommended", where);
        const QJsonObject desc = o.value(QStringLiteral("description")).toObject();
        m.descriptionEn = text(desc, "en", where + QStringLiteral(" description"));
        m.descriptionZh = text(desc, "zh_CN", where + QStringLiteral(" description"));
        const QJsonObject sources = o.value(QStringLiteral("sources")).toObject();
        m.huggingFaceRepo = text(sources, "huggingface", where + QStringLiteral(" sources"));
        m.modelScopeRepo = text(sources, "modelscope", where + QStringLiteral(" sources"), false);
        for (const QString& repo : {m.huggingFaceRepo, m.modelScopeRepo}) {
            if (!repo.isEmpty() && !repoPattern.match(repo).hasMatch()) {
                bad(where, QStringLiteral("\"%1\" is not a repository name (owner/name)").arg(repo));
            }
        }
        const QJsonValue files = o.value(QStringLiteral("files"));
        if (!files.isArray() || files.toArray().isEmpty()) {
            bad(where, QStringLiteral("\"files\" must be a non-empty list"));
        }
        for (const QJsonValue& fv : files.toArray()) {
            const QJsonObject f = fv.toObject();
            CatalogFile file;
            file.quant = text(f, "quant", where);
            file.fileName = text(f, "file", where);
            if (!file.fileName.endsWith(QStringLiteral(".gguf")) || file.fileName.contains(QStringLiteral(".."))) {
                bad(where, QStringLiteral("\"%1\" is not a GGUF file name").arg(file.fileName));
            }
            file.size = static_cast<qint64>(number(f, "size", where));
            m.files.push_back(file);
        }
        c.models.push_back(std::move(m));
    }
    return c;
}

Catalog Catalog::load(const QString& overridePath, QString* error) {
    if (!overridePath.isEmpty() && QFile::exists(overridePath)) {
        QFile f(overridePath);
        try {
            if (!f.open(QIODevice::ReadOnly)) {
                throw CatalogError(f.errorString().toStdString());
            }
            return parse(f.readAll());
        } catch (const CatalogError& e) {
            if (error) {
                *error = QStringLiteral("%1: %2").arg(overridePath, QString::fromStdString(e.what()));
            }
        }
    }
    QFile builtIn(QStringLiteral(":/deepdesk/catalog/models.json"));
    if (!builtIn.open(QIODevice::ReadOnly)) {
        throw CatalogError("the built-in catalog is missing from the application");
    }
    return parse(builtIn.readAll());
}

const CatalogModel* Catalog::find(const QString& id) const {
    for (const auto& m : models) {
        if (m.id == id) {
            return &m;
        }
    }
    return nullptr;
}

}  // namespace deepdesk::app
