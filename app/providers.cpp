// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/providers.h"

#include "app/settings.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>
#include <QUuid>

namespace deepdesk::app {
namespace {

struct Preset {
    const char* id;
    const char* name;
    const char* baseUrl;
    bool needsKey;
    QStringList models;  // known before the server is asked
};

const QList<Preset>& presetList() {
    static const QList<Preset> list = {
        {"deepseek",
         QT_TRANSLATE_NOOP("ProvidersController", "DeepSeek platform"),
         "https://api.deepseek.com/v1",
         true,
         {QStringLiteral("deepseek-chat"), QStringLiteral("deepseek-reasoner")}},
        {"vllm", "vLLM", "http://127.0.0.1:8000/v1", false, {}},
        {"sglang", "SGLang", "http://127.0.0.1:30000/v1", false, {}},
        {"ollama", "Ollama", "http://127.0.0.1:11434/v1", false, {}},
        {"deepdesk",
         QT_TRANSLATE_NOOP("ProvidersController", "DeepDesk server"),
         "http://127.0.0.1:8080/v1",
         false,
         {}},
        {"custom", QT_TRANSLATE_NOOP("ProvidersController", "OpenAI-compatible"), "", false, {}},
    };
    return list;
}

QString presetName(const Preset& p) { return ProvidersController::tr(p.name); }

QString trimmedBase(QString url) {
    url = url.trimmed();
    while (url.endsWith(QLatin1Char('/'))) {
        url.chop(1);
    }
    return url;
}

}  // namespace

ProvidersController::ProvidersController(Settings* settings, QObject* parent) : QObject(parent), m_settings(settings) {
    for (const QVariant& v : m_settings->providers()) {
        const QVariantMap m = v.toMap();
        Provider p;
        p.id = m.value(QStringLiteral("id")).toString();
        p.name = m.value(QStringLiteral("name")).toString();
        p.preset = m.value(QStringLiteral("preset")).toString();
        p.baseUrl = m.value(QStringLiteral("baseUrl")).toString();
        p.apiKey = m_settings->secret(keyName(p.id));
        p.models = m.value(QStringLiteral("models")).toStringList();
        if (!p.baseUrl.isEmpty()) {
            m_providers.append(p);
        }
    }
}

QString ProvidersController::keyName(const QString& id) { return QStringLiteral("providers/%1/apiKey").arg(id); }

QVariantList ProvidersController::presets() {
    QVariantList out;
    for (const Preset& p : presetList()) {
        out.append(QVariantMap{{QStringLiteral("id"), QString::fromLatin1(p.id)},
                               {QStringLiteral("name"), presetName(p)},
                               {QStringLiteral("baseUrl"), QString::fromLatin1(p.baseUrl)},
                               {QStringLiteral("needsKey"), p.needsKey},
                               {QStringLiteral("models"), p.models}});
    }
    return out;
}

QVariantList ProvidersController::providers() const {
    QVariantList out;
    for (const Provider& p : m_providers) {
        out.append(QVariantMap{{QStringLiteral("id"), p.id},
                               {QStringLiteral("name"), p.name},
                               {QStringLiteral("preset"), p.preset},
                               {QStringLiteral("baseUrl"), p.baseUrl},
                               {QStringLiteral("hasKey"), !p.apiKey.isEmpty()},
                               {QStringLiteral("models"), p.models},
                               {QStringLiteral("error"), p.error}});
    }
    return out;
}

const ProvidersController::Provider* ProvidersController::find(const QString& id) const {
    for (const Provider& p : m_providers) {
        if (p.id == id) {
            return &p;
        }
    }
    return nullptr;
}

void ProvidersController::save() {
    QVariantList list;
    for (const Provider& p : m_providers) {
        list.append(QVariantMap{{QStringLiteral("id"), p.id},
                                {QStringLiteral("name"), p.name},
                                {QStringLiteral("preset"), p.preset},
                                {QStringLiteral("baseUrl"), p.baseUrl},
                                {QStringLiteral("models"), p.models}});
        m_settings->setSecret(keyName(p.id), p.apiKey);
    }
    m_settings->setProviders(list);
    Q_EMIT providersChanged();
}

QString ProvidersController::addProvider(const QString& preset, const QString& name, const QString& baseUrl,
                                         const QString& apiKey) {
    Provider p;
    p.id = QUuid::createUuid().toString(QUuid::WithoutBraces).left(8);
    p.preset = preset;
    p.baseUrl = trimmedBase(baseUrl);
    p.apiKey = apiKey.trimmed();
    p.name = name.trimmed();
    for (const Preset& known : presetList()) {
        if (preset == QLatin1String(known.id)) {
            p.models = known.models;
            if (p.name.isEmpty()) {
                p.name = presetName(known);
            }
        }
    }
    if (p.name.isEmpty()) {
        p.name = QUrl(p.baseUrl).host();
    }
    m_providers.append(p);
    save();
    fetchModels(p.id);
    return p.id;
}

void ProvidersController::updateProvider(const QString& id, const QString& name, const QString& baseUrl,
                                         const QString& apiKey) {
    for (Provider& p : m_providers) {
        if (p.id == id) {
            if (!name.trimmed().isEmpty()) {
                p.name = name.trimmed();
            }
            p.baseUrl = trimmedBase(baseUrl);
            p.apiKey = apiKey.trimmed();
            save();
            fetchModels(id);
            return;
        }
    }
}

void ProvidersController::removeProvider(const QString& id) {
    m_providers.removeIf([&](const Provider& p) { return p.id == id; });
    m_settings->setSecret(keyName(id), {});  // its key goes with it
    save();
}

QString ProvidersController::apiKey(const QString& id) const {
    const Provider* p = find(id);
    return p != nullptr ? p->apiKey : QString();
}

std::optional<RemoteEndpoint> ProvidersController::endpoint(const QString& id, const QString& model) const {
    const Provider* p = find(id);
    if (p == nullptr) {
        return std::nullopt;
    }
    RemoteEndpoint e;
    e.providerName = p->name;
    e.baseUrl = p->baseUrl;
    e.apiKey = p->apiKey;
    e.model = model;
    e.preset = p->preset;
    return e;
}

void ProvidersController::fetchModels(const QString& id) {
    const Provider* p = find(id);
    if (p == nullptr) {
        return;
    }
    if (m_network == nullptr) {
        m_network = new QNetworkAccessManager(this);
    }
    QNetworkRequest req(QUrl(p->baseUrl + QStringLiteral("/models")));
    if (!p->apiKey.isEmpty()) {
        req.setRawHeader("Authorization", "Bearer " + p->apiKey.toUtf8());
    }
    req.setTransferTimeout(15'000);
    QNetworkReply* reply = m_network->get(req);
    connect(reply, &QNetworkReply::finished, this, [this, reply, id] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        QString error;
        QStringList models;
        if (status >= 400) {
            error = describeHttpError(status, body, reply->rawHeader("Retry-After"));
        } else if (reply->error() != QNetworkReply::NoError) {
            error = tr("Could not reach the server: %1").arg(reply->errorString());
        } else {
            const QJsonDocument doc = QJsonDocument::fromJson(body);
            for (const QJsonValue v : doc.object().value(QStringLiteral("data")).toArray()) {
                const QString model = v.toObject().value(QStringLiteral("id")).toString();
                if (!model.isEmpty()) {
                    models.append(model);
                }
            }
            if (!doc.isObject() || !doc.object().value(QStringLiteral("data")).isArray()) {
                error = tr("The server's answer to GET /models is not a model list.");
            }
        }
        for (Provider& entry : m_providers) {
            if (entry.id == id) {
                entry.error = error;
                if (error.isEmpty()) {
                    entry.models = models;
                }
            }
        }
        save();
        Q_EMIT modelsFetched(id, error.isEmpty(), error);
    });
}

}  // namespace deepdesk::app
