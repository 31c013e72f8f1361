// SPDX-License-Identifier: GPL-3.0-or-later
// Remote providers: OpenAI-compatible endpoints (the DeepSeek platform, vLLM, SGLang, Ollama,
// another DeepDesk) the user added, with their models as the server's GET /models lists them.
// Kept in the settings file, which only its owner may read; API keys never reach the
// conversations database or an export.
#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <optional>

#include "app/remoterunner.h"

class QNetworkAccessManager;

namespace deepdesk::app {

class Settings;

class ProvidersController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ProvidersController is created by the application")
    // [{id, name, preset, baseUrl, hasKey, models, error}]
    Q_PROPERTY(QVariantList providers READ providers NOTIFY providersChanged)
    // [{id, name, baseUrl, needsKey, models}]; names in the language of the moment of reading
    Q_PROPERTY(QVariantList presets READ presets CONSTANT)

public:
    // The providers are kept in `settings`, their keys among its secrets.
    explicit ProvidersController(Settings* settings, QObject* parent = nullptr);

    QVariantList providers() const;
    static QVariantList presets();

    // Returns the new provider's id; its models are fetched at once.
    Q_INVOKABLE QString addProvider(const QString& preset, const QString& name, const QString& baseUrl,
                                    const QString& apiKey);
    Q_INVOKABLE void updateProvider(const QString& id, const QString& name, const QString& baseUrl,
                                    const QString& apiKey);
    Q_INVOKABLE void removeProvider(const QString& id);
    Q_INVOKABLE QString apiKey(const QString& id) const;
    // GET {baseUrl}/models; modelsFetched follows and the provider's models and error change.
    Q_INVOKABLE void fetchModels(const QString& id);

    std::optional<RemoteEndpoint> endpoint(const QString& id, const QString& model) const;

Q_SIGNALS:
    void providersChanged();
    void modelsFetched(const QString& id, bool ok, const QString& error);

private:
    struct Provider {
        QString id, name, preset, baseUrl, apiKey, error;
        QStringList models;
    };
    const Provider* find(const QString& id) const;
    void save();
    static QString keyName(const QString& id);  // the secret's name

    Settings* m_settings;
    QList<Provider> m_providers;
    QNetworkAccessManager* m_network = nullptr;
};

}  // namespace deepdesk::app
