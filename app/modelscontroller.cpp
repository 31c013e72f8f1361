// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/modelscontroller.h"

#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTimer>
#include <QUrlQuery>

#include <algorithm>
#include <chrono>
#include <string>

#include "app/httpretry.h"
#include "app/memory.h"
#include "app/modelhost.h"
#include "app/settings.h"

namespace deepdesk::app {
namespace {

const QString k_modelScope = QStringLiteral("modelscope");

}  // namespace

ModelsController::ModelsController(Settings* settings, ModelHost* host, StorageThread* storage, const QString& dataDir,
                                   QObject* parent)
    : QObject(parent),
      m_settings(settings),
      m_host(host),
      m_dataDir(dataDir),
      m_downloads(settings->modelsFolder(), storage) {
    m_catalog = Catalog::load(QDir(dataDir).filePath(QStringLiteral("catalog.json")), &m_catalogError);
    m_downloads.setAccessToken(hubToken());
    connect(m_settings, &Settings::valueChanged, this, [this](Settings::Key key) {
        if (key == Settings::Key::ModelsFolder) {
            m_downloads.setModelsFolder(m_settings->modelsFolder());
        } else if (key == Settings::Key::ContextLength || key == Settings::Key::HubSource) {
            Q_EMIT catalogChanged();  // the memory each needs; the repositories
        }
    });
    connect(m_settings, &Settings::secretChanged, this, [this](const QString& name) {
        if (name == QLatin1String("hub/token")) {
            m_downloads.setAccessToken(hubToken());
        }
    });
    connect(&m_downloads, &DownloadManager::modelReady, this, [this](const QString& path, const QString& name) {
        m_host->refreshModels();
        if (!m_host->modelLoaded() && !m_host->loading()) {
            m_host->loadModel(path);  // the first model: ready to chat
        }
        Q_EMIT modelInstalled(path, name);
    });
}

ModelsController::~ModelsController() = default;

QString ModelsController::source() const { return m_settings->hubSource(); }

HubToken ModelsController::hubToken() const { return {m_settings->hubToken(), m_settings->hubTokenHost()}; }

QNetworkReply* ModelsController::get(QNetworkRequest req) {
    const HubToken credentials = hubToken();
    const bool authorized = credentials.authorize(req);
    QNetworkReply* reply = m_network.get(req);
    // A redirect the token may not follow (another host, or to http) ends the request; it is
    // reported as such (networkError).
    connect(reply, &QNetworkReply::redirected, reply, [reply, credentials, authorized](const QUrl& to) {
        if (credentials.allowsRedirect(reply->url(), to, authorized)) {
            Q_EMIT reply->redirectAllowed();
        } else {
            reply->setProperty("refusedRedirect", to);
            reply->abort();
        }
    });
    return reply;
}
QString ModelsController::endpoint() const { return m_settings->hubEndpoint(); }

qint64 ModelsController::totalMemory() { return memory::machine().totalBytes; }

qint64 ModelsController::ramNeeded(qint64 fileBytes, qint64 kvBytesPerToken) const {
    return memory::needed(fileBytes, kvBytesPerToken, m_settings->contextLength());
}

QVariantList ModelsController::catalog() const {
    const qint64 total = totalMemory();
    QVariantList out;
    for (const auto& m : m_catalog.models) {
        QVariantList files;
        for (const auto& f : m.files) {
            const qint64 ram = ramNeeded(f.size, m.kvBytesPerToken);
            // fits: comfortably (under 70% of the memory); tight: it fits but little is left.
            const QString fit = total == 0              ? QStringLiteral("unknown")
                                : ram <= total * 7 / 10 ? QStringLiteral("fits")
                                : ram <= total * 9 / 10 ? QStringLiteral("tight")
                                                        : QStringLiteral("too-big");
            files << QVariantMap{{QStringLiteral("quant"), f.quant},
                                 {QStringLiteral("file"), f.fileName},
                                 {QStringLiteral("size"), f.size},
                                 {QStringLiteral("ram"), ram},
                                 {QStringLiteral("fit"), fit}};
        }
        const QString repo =
            source() == k_modelScope && !m.modelScopeRepo.isEmpty() ? m.modelScopeRepo : m.huggingFaceRepo;
        out << QVariantMap{{QStringLiteral("id"), m.id},
                           {QStringLiteral("name"), m.name},
                           {QStringLiteral("architecture"), m.architecture},
                           {QStringLiteral("supported"), architectureSupported(m.architecture)},
                           {QStringLiteral("parametersB"), m.parametersB},
                           {QStringLiteral("context"), m.context},
                           {QStringLiteral("license"), m.license},
                           {QStringLiteral("reasoning"), m.reasoning},
                           {QStringLiteral("recommended"), m.recommended},
                           {QStringLiteral("descriptionEn"), m.descriptionEn},
                           {QStringLiteral("descriptionZh"), m.descriptionZh},
                           {QStringLiteral("repo"), repo},
                           {QStringLiteral("page"), m.page.isEmpty() ? repoPage(repo) : m.page},
                           {QStringLiteral("files"), files}};
    }
    return out;
}

QUrl ModelsController::fileUrl(const QString& repo, const QString& fileName) const {
    if (source() == k_modelScope) {
        return QUrl(endpoint() + QStringLiteral("/models/") + repo + QStringLiteral("/resolve/master/") + fileName);
    }
    return QUrl(endpoint() + QLatin1Char('/') + repo + QStringLiteral("/resolve/main/") + fileName);
}

QUrl ModelsController::listingUrl(const QString& repo) const {
    if (source() == k_modelScope) {
        return QUrl(endpoint() + QStringLiteral("/api/v1/models/") + repo +
                    QStringLiteral("/repo/files?Recursive=true"));
    }
    return QUrl(endpoint() + QStringLiteral("/api/models/") + repo + QStringLiteral("?blobs=true"));
}

QUrl ModelsController::searchUrl(const QString& text) const {
    QUrl url(endpoint() + QStringLiteral("/api/models"));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("search"), text);
    q.addQueryItem(QStringLiteral("filter"), QStringLiteral("gguf"));
    q.addQueryItem(QStringLiteral("sort"), QStringLiteral("downloads"));
    q.addQueryItem(QStringLiteral("limit"), QStringLiteral("30"));
    url.setQuery(q);
    return url;
}

QString ModelsController::repoPage(const QString& repo) const {
    return source() == k_modelScope ? endpoint() + QStringLiteral("/models/") + repo
                                    : endpoint() + QLatin1Char('/') + repo;
}

void ModelsController::setError(const QString& e) {
    m_error = e;
    Q_EMIT errorTextChanged();
}

void ModelsController::clearError() { setError({}); }

void ModelsController::addPending(int delta) {
    m_pending += delta;
    Q_EMIT busyChanged();
}

QString ModelsController::networkError(QNetworkReply* reply, const QString& repo) const {
    const QUrl refused = reply->property("refusedRedirect").toUrl();
    if (refused.isValid()) {
        return tr("The hub sent the request on to %1, which DeepDesk does not follow with your access token (it is "
                  "sent to %2 only). Use the hub's own address, or remove the token.")
            .arg(refused.host(), m_settings->hubTokenHost());
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 401 || status == 403) {
        return tr("The hub refused access to %1 (HTTP %2). It may be gated: sign in, accept its licence at %3, and "
                  "add an access token on the Models page.")
            .arg(repo)
            .arg(status)
            .arg(repoPage(repo));
    }
    if (status == 404) {
        return tr("%1 was not found on %2 (HTTP 404).").arg(repo, endpoint());
    }
    if (serverBusy(status)) {
        return tr("%1 is busy or unavailable (HTTP %2), also when asked again. Try again in a few minutes, or "
                  "choose a mirror as the endpoint.")
            .arg(endpoint())
            .arg(status);
    }
    switch (reply->error()) {
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
        return tr("Cannot reach %1: the computer seems to be offline. Models already downloaded still work; "
                  "to download, connect or choose a mirror as the endpoint.")
            .arg(endpoint());
    default: return tr("The hub answered with an error: %1").arg(reply->errorString());
    }
}

void ModelsController::fetchListing(const QString& repo, ListingHandler done, int attempt) {
    QNetworkRequest req(listingUrl(repo));
    req.setTransferTimeout(30000);
    addPending(1);
    QNetworkReply* reply = get(req);
    connect(reply, &QNetworkReply::finished, this, [this, reply, repo, attempt, done = std::move(done)] {
        reply->deleteLater();
        addPending(-1);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const bool busy = serverBusy(status) || reply->error() == QNetworkReply::RemoteHostClosedError;
        constexpr int k_listingAttempts = 4;
        if (busy && attempt < k_listingAttempts) {
            const qint64 asked = retryAfterMs(*reply, 60000);
            const qint64 waitMs = asked > 0 ? asked : 1000LL << (attempt - 1);
            addPending(1);  // still busy while it waits
            QTimer::singleShot(std::chrono::milliseconds(waitMs), this, [this, repo, attempt, done] {
                addPending(-1);
                fetchListing(repo, done, attempt + 1);
            });
            return;
        }
        if (reply->error() != QNetworkReply::NoError) {
            done({}, networkError(reply, repo));
            return;
        }
        const QJsonDocument doc = QJsonDocument::fromJson(reply->readAll());
        std::vector<Listed> files;
        if (source() == k_modelScope) {
            // {"Data": {"Files": [{"Path", "Size", "Sha256", "Type"}]}}
            for (const QJsonValue& v :
                 doc.object().value(QStringLiteral("Data")).toObject().value(QStringLiteral("Files")).toArray()) {
                const QJsonObject f = v.toObject();
                files.push_back({f.value(QStringLiteral("Path")).toString(),
                                 static_cast<qint64>(f.value(QStringLiteral("Size")).toDouble()),
                                 f.value(QStringLiteral("Sha256")).toString().toLower()});
            }
        } else {
            // {"siblings": [{"rfilename", "size", "lfs": {"sha256" (the LFS object id), "size"}}]}
            for (const QJsonValue& v : doc.object().value(QStringLiteral("siblings")).toArray()) {
                const QJsonObject f = v.toObject();
                const QJsonObject lfs = f.value(QStringLiteral("lfs")).toObject();
                const double size = lfs.contains(QStringLiteral("size")) ? lfs.value(QStringLiteral("size")).toDouble()
                                                                         : f.value(QStringLiteral("size")).toDouble();
                files.push_back({f.value(QStringLiteral("rfilename")).toString(), static_cast<qint64>(size),
                                 lfs.value(QStringLiteral("sha256")).toString().toLower()});
            }
        }
        if (!doc.isObject()) {
            done({}, tr("The hub's answer for %1 could not be read.").arg(repo));
            return;
        }
        done(files, {});
    });
}

void ModelsController::enqueueFrom(const QString& repo, const std::vector<Listed>& files, const QString& fileName,
                                   const QString& modelName) {
    // A split model: every part, verified as one model.
    const auto [stem, parts] = splitParts(fileName);
    std::vector<const Listed*> chosen;
    for (const auto& f : files) {
        const QString name = QFileInfo(f.file).fileName();
        if (f.file == fileName || name == fileName) {
            chosen.push_back(&f);
        } else if (parts > 0) {
            const auto [otherStem, otherParts] = splitParts(name);
            if (otherStem == stem && otherParts == parts) {
                chosen.push_back(&f);
            }
        }
    }
    if (chosen.empty()) {
        QStringList ggufs;
        for (const auto& f : files) {
            if (f.file.endsWith(QStringLiteral(".gguf"))) {
                ggufs << f.file;
            }
        }
        setError(tr("%1 is not in %2. GGUF files there: %3")
                     .arg(fileName, repo, ggufs.isEmpty() ? tr("none") : ggufs.join(QStringLiteral(", "))));
        return;
    }
    if (parts > 0 && static_cast<int>(chosen.size()) != parts) {
        setError(
            tr("%1 has %2 parts, but %3 of them are in %4.").arg(fileName).arg(parts).arg(chosen.size()).arg(repo));
        return;
    }
    const QString group = repo + QLatin1Char('/') + (parts > 0 ? stem : fileName);
    for (const Listed* f : chosen) {
        m_downloads.enqueue(fileUrl(repo, f->file), QFileInfo(f->file).fileName(), modelName, f->sha256, f->size, group,
                            repoPage(repo));
    }
}

void ModelsController::download(const QString& modelId, const QString& quant) {
    const CatalogModel* m = m_catalog.find(modelId);
    if (m == nullptr) {
        setError(tr("Unknown model %1.").arg(modelId));
        return;
    }
    const CatalogFile* file = nullptr;
    for (const auto& f : m->files) {
        if (f.quant == quant) {
            file = &f;
        }
    }
    if (file == nullptr) {
        setError(tr("%1 has no %2 file.").arg(m->name, quant));
        return;
    }
    const QString repo =
        source() == k_modelScope && !m->modelScopeRepo.isEmpty() ? m->modelScopeRepo : m->huggingFaceRepo;
    const QString fileName = file->fileName;
    const QString name = m->name + QLatin1Char(' ') + quant;
    clearError();
    fetchListing(repo, [this, repo, fileName, name](const std::vector<Listed>& files, const QString& error) {
        if (!error.isEmpty()) {
            setError(error);
            return;
        }
        enqueueFrom(repo, files, fileName, name);
    });
}

void ModelsController::downloadFile(const QString& repo, const QString& fileName) {
    clearError();
    fetchListing(repo, [this, repo, fileName](const std::vector<Listed>& files, const QString& error) {
        if (!error.isEmpty()) {
            setError(error);
            return;
        }
        enqueueFrom(repo, files, fileName, QFileInfo(fileName).completeBaseName());
    });
}

void ModelsController::listRepository(const QString& repo) {
    fetchListing(repo.trimmed(), [this, repo](const std::vector<Listed>& files, const QString& error) {
        QVariantList out;
        for (const auto& f : files) {
            if (!f.file.endsWith(QStringLiteral(".gguf"))) {
                continue;
            }
            const auto [stem, parts] = splitParts(QFileInfo(f.file).fileName());
            if (parts > 0 && !f.file.contains(QStringLiteral("-00001-of-"))) {
                continue;  // listed once, under its first part
            }
            qint64 size = f.size;
            if (parts > 0) {
                for (const auto& other : files) {
                    const auto [otherStem, otherParts] = splitParts(QFileInfo(other.file).fileName());
                    if (otherStem == stem && otherParts == parts && other.file != f.file) {
                        size += other.size;
                    }
                }
            }
            out << QVariantMap{{QStringLiteral("file"), f.file},
                               {QStringLiteral("size"), size},
                               {QStringLiteral("sha256"), f.sha256},
                               {QStringLiteral("parts"), std::max(1, parts)}};
        }
        Q_EMIT repositoryListed(repo, out, error);
    });
}

void ModelsController::searchHub(const QString& text) {
    if (source() == k_modelScope) {
        Q_EMIT searchFinished({}, tr("Search works with the Hugging Face source (or a mirror of it). On ModelScope, "
                                     "type a repository name (owner/name) to list its files."));
        return;
    }
    QNetworkRequest req(searchUrl(text.trimmed()));
    req.setTransferTimeout(30000);
    addPending(1);
    QNetworkReply* reply = get(req);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        addPending(-1);
        if (reply->error() != QNetworkReply::NoError) {
            Q_EMIT searchFinished({}, networkError(reply, endpoint()));
            return;
        }
        QVariantList out;
        for (const QJsonValue& v : QJsonDocument::fromJson(reply->readAll()).array()) {
            const QJsonObject o = v.toObject();
            const QString id = o.value(QStringLiteral("id")).toString(o.value(QStringLiteral("modelId")).toString());
            if (id.isEmpty()) {
                continue;
            }
            out << QVariantMap{{QStringLiteral("repo"), id},
                               {QStringLiteral("downloads"), o.value(QStringLiteral("downloads")).toDouble()},
                               {QStringLiteral("likes"), o.value(QStringLiteral("likes")).toDouble()}};
        }
        Q_EMIT searchFinished(out, {});
    });
}

void ModelsController::reveal(const QString& path) const {
    QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(path).absolutePath()));
}

}  // namespace deepdesk::app
