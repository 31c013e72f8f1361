// SPDX-License-Identifier: GPL-3.0-or-later
// The Models page's controller (QML singleton `Models`): the catalog with what fits this machine,
// the hub (Hugging Face, its endpoint replaceable by a mirror, or ModelScope; an optional access
// token, all kept in Settings): a repository's GGUF files with sizes and SHA-256, and search;
// downloads through the DownloadManager, whose verified files become ModelHost's models.
#pragma once

#include <QNetworkAccessManager>
#include <QObject>
#include <QQmlEngine>
#include <QVariantList>

#include "app/downloadmanager.h"
#include "app/hubtoken.h"
#include "app/modelcatalog.h"

namespace deepdesk::app {

class ModelHost;
class Settings;
class StorageThread;

class ModelsController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Models is created by the application")
    Q_PROPERTY(QVariantList catalog READ catalog NOTIFY catalogChanged)
    Q_PROPERTY(QString catalogError READ catalogError NOTIFY catalogChanged)
    Q_PROPERTY(DownloadManager* downloads READ downloads CONSTANT)
    Q_PROPERTY(qint64 totalMemory READ totalMemory CONSTANT)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)

public:
    // The download queue is kept through `storage`; the catalog in dataDir replaces the built-in one.
    ModelsController(Settings* settings, ModelHost* host, StorageThread* storage, const QString& dataDir,
                     QObject* parent = nullptr);
    ~ModelsController() override;

    QVariantList catalog() const;
    QString catalogError() const { return m_catalogError; }
    DownloadManager* downloads() { return &m_downloads; }
    static qint64 totalMemory();
    QString errorText() const { return m_error; }
    bool busy() const { return m_pending > 0; }

    // Memory a file of `fileBytes` needs at the chosen context (memory::needed).
    qint64 ramNeeded(qint64 fileBytes, qint64 kvBytesPerToken) const;

    // A catalog model in one quantization: its repository is listed first, for the exact size,
    // the SHA-256 and the parts of a split file; then the files are queued.
    Q_INVOKABLE void download(const QString& modelId, const QString& quant);
    // The hub: a repository's GGUF files (repositoryListed), and search (searchFinished).
    Q_INVOKABLE void listRepository(const QString& repo);
    Q_INVOKABLE void searchHub(const QString& text);
    // One file of a listed repository (all parts when it is split).
    Q_INVOKABLE void downloadFile(const QString& repo, const QString& fileName);
    Q_INVOKABLE void reveal(const QString& path) const;
    Q_INVOKABLE void clearError();

    // URLs for the current source.
    QUrl fileUrl(const QString& repo, const QString& fileName) const;
    QUrl listingUrl(const QString& repo) const;
    QUrl searchUrl(const QString& text) const;
    QString repoPage(const QString& repo) const;

Q_SIGNALS:
    void catalogChanged();
    void errorTextChanged();
    void busyChanged();
    // files: [{file, size, sha256, parts}] (split files listed once, under their first part)
    void repositoryListed(const QString& repo, const QVariantList& files, const QString& error);
    void searchFinished(const QVariantList& repos, const QString& error);
    void modelInstalled(const QString& path, const QString& name);

private:
    struct Listed {
        QString file;
        qint64 size = 0;
        QString sha256;
    };
    using ListingHandler = std::function<void(const std::vector<Listed>&, const QString& error)>;
    // A busy hub (429, 5xx) or a dropped connection is asked again, k_listingAttempts times in all,
    // after 1 s, 2 s, ... or what its Retry-After says (up to a minute).
    void fetchListing(const QString& repo, ListingHandler done, int attempt = 1);
    void enqueueFrom(const QString& repo, const std::vector<Listed>& files, const QString& fileName,
                     const QString& modelName);
    QString networkError(class QNetworkReply* reply, const QString& repo) const;
    void setError(const QString& e);
    void addPending(int delta);

    QString source() const;
    QString endpoint() const;
    HubToken hubToken() const;
    // GET with the hub token where it may go (see HubToken).
    QNetworkReply* get(QNetworkRequest req);

    Settings* m_settings;
    ModelHost* m_host;
    QString m_dataDir;
    Catalog m_catalog;
    QString m_catalogError;
    DownloadManager m_downloads;
    QNetworkAccessManager m_network;
    QString m_error;
    int m_pending = 0;
};

}  // namespace deepdesk::app
