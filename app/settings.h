// SPDX-License-Identifier: GPL-3.0-or-later
// Every persistent setting of the app, owned by one object (QML singleton `Settings`). Each key is
// declared once, in settings.cpp's table: its name in the settings file, its type, its default and
// its range or choices. No other class touches QSettings. Secrets (the server's API key, the hub's
// access token, the providers' API keys) live apart, in an owner-only file that only this class
// reads and writes.
#pragma once

#include <QJsonObject>
#include <QObject>
#include <QQmlEngine>
#include <QString>
#include <QVariant>
#include <QVariantList>

namespace deepdesk::app {

class Settings : public QObject {
    Q_OBJECT
    QML_ANONYMOUS  // the QML singleton of this name is the application's object
    // Sampling and the context, for answers in the window.
    Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY changed)
    Q_PROPERTY(double temperature READ temperature WRITE setTemperature NOTIFY changed)
    Q_PROPERTY(int maxTokens READ maxTokens WRITE setMaxTokens NOTIFY changed)
    Q_PROPERTY(int contextLength READ contextLength WRITE setContextLength NOTIFY changed)
    Q_PROPERTY(double topP READ topP WRITE setTopP NOTIFY changed)
    Q_PROPERTY(int topK READ topK WRITE setTopK NOTIFY changed)
    Q_PROPERTY(double minP READ minP WRITE setMinP NOTIFY changed)
    Q_PROPERTY(double repeatPenalty READ repeatPenalty WRITE setRepeatPenalty NOTIFY changed)
    Q_PROPERTY(int seed READ seed WRITE setSeed NOTIFY changed)           // 0: a new random seed per answer
    Q_PROPERTY(int threads READ threads WRITE setThreads NOTIFY changed)  // 0: all cores
    Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY changed)    // system, light, dark
    Q_PROPERTY(QString modelsFolder READ modelsFolder WRITE setModelsFolder NOTIFY changed)
    // The local OpenAI-compatible server (off by default, 127.0.0.1 unless the user says otherwise).
    // Exports include each answer's reasoning (HTML: a collapsible block; Markdown: a quote).
    Q_PROPERTY(bool exportReasoning READ exportReasoning WRITE setExportReasoning NOTIFY changed)
    Q_PROPERTY(bool serverEnabled READ serverEnabled WRITE setServerEnabled NOTIFY changed)
    Q_PROPERTY(QString serverHost READ serverHost WRITE setServerHost NOTIFY changed)
    Q_PROPERTY(int serverPort READ serverPort WRITE setServerPort NOTIFY changed)
    Q_PROPERTY(QString serverApiKey READ serverApiKey WRITE setServerApiKey NOTIFY changed)
    // Where the Models page looks for models: huggingface or modelscope, at an endpoint (a mirror),
    // with an optional access token.
    Q_PROPERTY(QString hubSource READ hubSource WRITE setHubSource NOTIFY changed)
    Q_PROPERTY(QString hubEndpoint READ hubEndpoint WRITE setHubEndpoint NOTIFY changed)
    Q_PROPERTY(QString hubToken READ hubToken WRITE setHubToken NOTIFY changed)

public:
    // The declared keys (see settings.cpp for each one's name, type, default and range).
    enum class Key {
        SystemPrompt,
        Temperature,
        TemperatureSetByUser,
        MaxTokens,
        ContextLength,
        TopP,
        TopK,
        MinP,
        RepeatPenalty,
        Seed,
        Threads,
        Theme,
        Language,
        ModelsFolder,
        LastModel,
        ChatSource,  // what the chat talks to: local or remote
        RemoteProvider,
        RemoteModel,
        ServerEnabled,
        ServerHost,
        ServerPort,
        HubSource,
        HubEndpoint,
        HubTokenHost,  // the host the hub token was entered for: the only one it is sent to
        ExportReasoning,
        EmbeddingModel,  // the document library's embedding model (a GGUF path; empty: keywords only)
        Count
    };

    // dataDir: the default models folder is dataDir/models. Settings written by an older version
    // are moved to their keys of today (and secrets out of the settings file) here.
    explicit Settings(const QString& dataDir, QObject* parent = nullptr);

    // A key's value, its default when unset. set() brings the value into the key's range (a
    // number is clamped, a choice not listed becomes the default), saves it, and emits
    // valueChanged and changed when it differs.
    QVariant value(Key key) const;
    void set(Key key, const QVariant& value);
    QVariant defaultValue(Key key) const;
    static QString keyName(Key key);

    // Secrets, by name ("server/apiKey", "hub/token", "providers/<id>/apiKey"): an owner-only
    // file beside the settings file (secretsPath), never the settings file itself.
    QString secret(const QString& name) const;
    void setSecret(const QString& name, const QString& value);
    static QString secretsPath();

    // The remote providers, [{id, name, preset, baseUrl, models}] (their keys are secrets).
    QVariantList providers() const;
    void setProviders(const QVariantList& providers);
    // The MCP servers, [{id, name, transport, command, url, enabled}] (their environments and
    // tokens are secrets: "mcp/<id>/env", "mcp/<id>/token").
    QVariantList mcpServers() const;
    void setMcpServers(const QVariantList& servers);
    // The tools the user allowed to run without asking, as "serverId/tool".
    QStringList alwaysAllowedTools() const;
    void setAlwaysAllowedTools(const QStringList& tools);

    QString systemPrompt() const { return value(Key::SystemPrompt).toString(); }
    void setSystemPrompt(const QString& v) { set(Key::SystemPrompt, v); }
    double temperature() const { return value(Key::Temperature).toDouble(); }
    void setTemperature(double v);  // the user's choice: a reasoning model no longer overrides it
    // DeepSeek's advice for R1 (0.6) unless the user chose a temperature.
    void adviseTemperature(double v);
    int maxTokens() const { return value(Key::MaxTokens).toInt(); }
    void setMaxTokens(int v) { set(Key::MaxTokens, v); }
    int contextLength() const { return value(Key::ContextLength).toInt(); }
    void setContextLength(int v) { set(Key::ContextLength, v); }
    double topP() const { return value(Key::TopP).toDouble(); }
    void setTopP(double v) { set(Key::TopP, v); }
    int topK() const { return value(Key::TopK).toInt(); }
    void setTopK(int v) { set(Key::TopK, v); }
    double minP() const { return value(Key::MinP).toDouble(); }
    void setMinP(double v) { set(Key::MinP, v); }
    double repeatPenalty() const { return value(Key::RepeatPenalty).toDouble(); }
    void setRepeatPenalty(double v) { set(Key::RepeatPenalty, v); }
    int seed() const { return value(Key::Seed).toInt(); }
    void setSeed(int v) { set(Key::Seed, v); }
    int threads() const { return value(Key::Threads).toInt(); }
    void setThreads(int v) { set(Key::Threads, v); }
    QString theme() const { return value(Key::Theme).toString(); }
    void setTheme(const QString& v) { set(Key::Theme, v); }
    QString modelsFolder() const { return value(Key::ModelsFolder).toString(); }
    void setModelsFolder(const QString& v) { set(Key::ModelsFolder, v); }
    bool exportReasoning() const { return value(Key::ExportReasoning).toBool(); }
    void setExportReasoning(bool v) { set(Key::ExportReasoning, v); }
    bool serverEnabled() const { return value(Key::ServerEnabled).toBool(); }
    void setServerEnabled(bool v) { set(Key::ServerEnabled, v); }
    QString serverHost() const { return value(Key::ServerHost).toString(); }
    void setServerHost(const QString& v);  // blank: ignored
    int serverPort() const { return value(Key::ServerPort).toInt(); }
    void setServerPort(int v);  // outside 0..65535: ignored
    QString serverApiKey() const { return secret(QStringLiteral("server/apiKey")); }
    void setServerApiKey(const QString& v) { setSecret(QStringLiteral("server/apiKey"), v); }
    QString hubSource() const { return value(Key::HubSource).toString(); }
    void setHubSource(const QString& v);  // the endpoint follows unless it is a mirror of the user's
    QString hubEndpoint() const { return value(Key::HubEndpoint).toString(); }
    void setHubEndpoint(const QString& v);  // blank: the source's own
    QString hubToken() const { return secret(QStringLiteral("hub/token")); }
    // Kept with the host of the endpoint in use now: the token is sent to that host only.
    void setHubToken(const QString& v);
    QString hubTokenHost() const { return value(Key::HubTokenHost).toString(); }
    static QString hubDefaultEndpoint(const QString& source);

Q_SIGNALS:
    void valueChanged(deepdesk::app::Settings::Key key);
    void secretChanged(const QString& name);
    void changed();  // any setting or secret (QML's bindings)

private:
    void migrate();
    void writeSecrets();

    QString m_dataDir;
    QJsonObject m_secrets;
};

}  // namespace deepdesk::app
