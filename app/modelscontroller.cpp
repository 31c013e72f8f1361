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
#include <QSettings>
#include <QUrlQuery>

#include <fstream>
#include <string>

#include "app/chatcontroller.h"

namespace deepdesk::app {
namespace {

const QString k_huggingFace = QStringLiteral("huggingface");
const QString k_modelScope = QStringLiteral("modelscope");

QString defaultEndpoint(const QString& source) {
    return source == k_modelScope ? QStringLiteral("https://modelscope.cn") : QStringLiteral("https://huggingface.co");
}

// `name-00001-of-00003.gguf` -> ("name", 3); anything else -> ("", 0).
std::pair<QString, int> splitOf(const QString& file) {
    static const QRegularExpression re(QStringLiteral("^(.*)-(\\d{5})-of-(\\d{5})\\.gguf$"));
    const auto m = re.match(file);
    if (!m.hasMatch()) {
        return {{}, 0};
    }
    return {m.captured(1), m.captured(3).toInt()};
}

}  // namespace

ModelsController::ModelsController(ChatController* chat, const QString& dataDir, QObject* parent)
    : QObject(parent),
      m_chat(chat),
      m_dataDir(dataDir),
      m_downloads(chat->modelsFolder(), QDir(dataDir).filePath(QStringLiteral("conversations.db"))) {
    m_catalog = Catalog::load(QDir(dataDir).filePath(QStringLiteral("catalog.json")), &m_catalogError);
    QSettings settings;
    m_source = settings.value(QStringLiteral("models/source"), k_huggingFace).toString();
    m_endpoint = settings.value(QStringLiteral("models/endpoint"), defaultEndpoint(m_source)).toString();
    m_token = settings.value(QStringLiteral("models/token")).toString();
    m_downloads.setAccessToken(m_token);
    connect(chat, &ChatController::modelsFolderChanged, this,
            [this] { m_downloads.setModelsFolder(m_chat->modelsFolder()); });
    connect(chat, &ChatController::settingsChanged, this, &ModelsController::catalogChanged);  // context size
    connect(&m_downloads, &DownloadManager::modelReady, this, [this](const QString& path, const QString& name) {
        m_chat->refreshModels();
        if (!m_chat->modelLoaded() && !m_chat->loading()) {
            m_chat->loadModel(path);  // the first model: ready to chat
        }
        Q_EMIT modelInstalled(path, name);
    });
}

ModelsController::~ModelsController() = default;

void ModelsController::setSource(const QString& source) {
    const QString s = source == k_modelScope ? k_modelScope : k_huggingFace;
    if (s == m_source) {
        return;
    }
    // The endpoint follows the source unless the user had set a mirror of their own.
    if (m_endpoint == defaultEndpoint(m_source)) {
        m_endpoint = defaultEndpoint(s);
    }
    m_source = s;
    QSettings().setValue(QStringLiteral("models/source"), m_source);
    QSettings().setValue(QStringLiteral("models/endpoint"), m_endpoint);
    Q_EMIT settingsChanged();
}

void ModelsController::setEndpoint(const QString& endpoint) {
    QString e = endpoint.trimmed();
    while (e.endsWith(QLatin1Char('/'))) {
        e.chop(1);
    }
    if (e.isEmpty()) {
        e = defaultEndpoint(m_source);
    }
    if (e == m_endpoint) {
        return;
    }
    m_endpoint = e;
    QSettings().setValue(QStringLiteral("models/endpoint"), m_endpoint);
    Q_EMIT settingsChanged();
}

void ModelsController::setToken(const QString& token) {
    if (token.trimmed() == m_token) {
        return;
    }
    m_token = token.trimmed();
    QSettings().setValue(QStringLiteral("models/token"), m_token);
    m_downloads.setAccessToken(m_token);
    Q_EMIT settingsChanged();
}

qint64 ModelsController::totalMemory() const {
    std::ifstream in("/proc/meminfo");
    std::string key, unit;
    long long value = 0;
    while (in >> key >> value >> unit) {
        if (key == "MemTotal:") {
            return static_cast<qint64>(value) * 1024;
        }
    }
    return 0;
}

qint64 ModelsController::ramNeeded(qint64 fileBytes, qint64 kvBytesPerToken) const {
    constexpr qint64 k_buffers = 300LL << 20;  // activations, logits, the app itself
    return fileBytes + kvBytesPerToken * m_chat->contextLength() + k_buffers;
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
            m_source == k_modelScope && !m.modelScopeRepo.isEmpty() ? m.modelScopeRepo : m.huggingFaceRepo;
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
    if (m_source == k_modelScope) {
        return QUrl(m_endpoint + QStringLiteral("/models/") + repo + QStringLiteral("/resolve/master/") + fileName);
    }
    return QUrl(m_endpoint + QLatin1Char('/') + repo + QStringLiteral("/resolve/main/") + fileName);
}

QUrl ModelsController::listingUrl(const QString& repo) const {
    if (m_source == k_modelScope) {
        return QUrl(m_endpoint + QStringLiteral("/api/v1/models/") + repo +
                    QStringLiteral("/repo/files?Recursive=true"));
    }
    return QUrl(m_endpoint + QStringLiteral("/api/models/") + repo + QStringLiteral("?blobs=true"));
}

QUrl ModelsController::searchUrl(const QString& text) const {
    QUrl url(m_endpoint + QStringLiteral("/api/models"));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("search"), text);
    q.addQueryItem(QStringLiteral("filter"), QStringLiteral("gguf"));
    q.addQueryItem(QStringLiteral("sort"), QStringLiteral("downloads"));
    q.addQueryItem(QStringLiteral("limit"), QStringLiteral("30"));
    url.setQuery(q);
    return url;
}

QString ModelsController::repoPage(const QString& repo) const {
    return m_source == k_modelScope ? m_endpoint + QStringLiteral("/models/") + repo
                                    : m_endpoint + QLatin1Char('/') + repo;
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
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 401 || status == 403) {
        return tr("The hub refused access to %1 (HTTP %2). It may be gated: sign in, accept its licence at %3, and "
                  "add an access token on the Models page.")
            .arg(repo)
            .arg(status)
            .arg(repoPage(repo));
    }
    if (status == 404) {
        return tr("%1 was not found on %2 (HTTP 404).").arg(repo, m_endpoint);
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
            .arg(m_endpoint);
    default: return tr("The hub answered with an error: %1").arg(reply->errorString());
    }
}

void ModelsController::fetchListing(const QString& repo, ListingHandler done) {
    QNetworkRequest req(listingUrl(repo));
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    req.setTransferTimeout(30000);
    if (!m_token.isEmpty()) {
        req.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    }
    addPending(1);
    QNetworkReply* reply = m_network.get(req);
    connect(reply, &QNetworkReply::finished, this, [this, reply, repo, done = std::move(done)] {
        reply->deleteLater();
        addPending(-1);
        if (reply->error() != QNetworkReply::NoError) {
            done({}, networkError(reply, repo));
            return;
        }
        const QJsonDocument doc = QJsonDocument::fromJson(reply->readAll());
        std::vector<Listed> files;
        if (m_source == k_modelScope) {
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
    const auto [stem, parts] = splitOf(fileName);
    std::vector<const Listed*> chosen;
    for (const auto& f : files) {
        const QString name = QFileInfo(f.file).fileName();
        if (f.file == fileName || name == fileName) {
            chosen.push_back(&f);
        } else if (parts > 0) {
            const auto [otherStem, otherParts] = splitOf(name);
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
        m_source == k_modelScope && !m->modelScopeRepo.isEmpty() ? m->modelScopeRepo : m->huggingFaceRepo;
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
            const auto [stem, parts] = splitOf(QFileInfo(f.file).fileName());
            if (parts > 0 && !f.file.contains(QStringLiteral("-00001-of-"))) {
                continue;  // listed once, under its first part
            }
            qint64 size = f.size;
            if (parts > 0) {
                for (const auto& other : files) {
                    const auto [otherStem, otherParts] = splitOf(QFileInfo(other.file).fileName());
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
    if (m_source == k_modelScope) {
        Q_EMIT searchFinished({}, tr("Search works with the Hugging Face source (or a mirror of it). On ModelScope, "
                                     "type a repository name (owner/name) to list its files."));
        return;
    }
    QNetworkRequest req(searchUrl(text.trimmed()));
    req.setTransferTimeout(30000);
    if (!m_token.isEmpty()) {
        req.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    }
    addPending(1);
    QNetworkReply* reply = m_network.get(req);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        addPending(-1);
        if (reply->error() != QNetworkReply::NoError) {
            Q_EMIT searchFinished({}, networkError(reply, m_endpoint));
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

bool ModelsController::deleteLocal(const QString& path) {
    const QFileInfo info(path);
    // Only files in the models folder, and every part of a split model.
    if (QDir(info.absolutePath()) != QDir(m_chat->modelsFolder()) || !path.endsWith(QStringLiteral(".gguf"))) {
        setError(tr("Only models in the models folder can be deleted here."));
        return false;
    }
    if (m_chat->modelPath() == path) {
        setError(tr("%1 is loaded; choose another model first.").arg(info.fileName()));
        return false;
    }
    QStringList files{path};
    const auto [stem, parts] = splitOf(info.fileName());
    for (int i = 1; i <= parts; ++i) {
        files << QDir(info.absolutePath())
                     .filePath(QStringLiteral("%1-%2-of-%3.gguf")
                                   .arg(stem)
                                   .arg(i, 5, 10, QLatin1Char('0'))
                                   .arg(parts, 5, 10, QLatin1Char('0')));
    }
    bool ok = true;
    for (const QString& f : files) {
        if (QFile::exists(f) && !QFile::remove(f)) {
            ok = false;
        }
    }
    m_chat->refreshModels();
    if (!ok) {
        setError(tr("%1 could not be deleted.").arg(info.fileName()));
    }
    return ok;
}

void ModelsController::reveal(const QString& path) const {
    QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(path).absolutePath()));
}

}  // namespace deepdesk::app
