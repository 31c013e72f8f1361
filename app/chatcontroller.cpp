// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/chatcontroller.h"

#include <QClipboard>
#include <QCoreApplication>
#include <QDate>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QGuiApplication>
#include <QStandardPaths>
#include <QUrl>

#include <algorithm>

#include "app/modelhost.h"
#include "app/offthread.h"
#include "app/settings.h"
#include "app/toolscontroller.h"

namespace deepdesk::app {
namespace {

namespace st = deepdesk::storage;

}  // namespace

ChatController::ChatController(Settings* settings, StorageThread* storage, ModelHost* host, ToolsController* tools,
                               QObject* parent)
    : QObject(parent),
      m_settings(settings),
      m_storage(storage),
      m_host(host),
      m_local(host->worker(), storage),
      m_remote(storage) {
    m_tools = tools;
    qRegisterMetaType<deepdesk::app::TurnRequest>();
    qRegisterMetaType<deepdesk::app::TurnResult>();
    // Each conversation has its own thinking choice.
    connect(this, &ChatController::conversationChanged, this, &ChatController::thinkingBudgetChanged);
    connect(this, &ChatController::conversationChanged, this, &ChatController::collectionIdChanged);
    if (QCoreApplication::instance() != nullptr) {
        QCoreApplication::instance()->installEventFilter(this);  // a language switch
    }
    connect(m_storage, &StorageThread::opened, this, [this](const QString& error) {
        if (!error.isEmpty()) {
            m_storageError = error;
            Q_EMIT storageErrorChanged();
            if (m_starting) {
                m_starting = false;
                Q_EMIT generatingChanged();
            }
        }
    });
    connect(m_storage, &StorageThread::failed, this, [this](const QString& error) {
        setError(say(QT_TR_NOOP("The conversations database failed: %1"), {UiText::of(error)}));
        if (m_starting) {
            m_starting = false;
            Q_EMIT generatingChanged();
        }
    });
    if (!m_storage->openError().isEmpty()) {
        m_storageError = m_storage->openError();
    }
    // Answers cut off when DeepDesk last stopped.
    m_storage->post([](st::database& db) { st::conversation_store(db).mark_interrupted(); });

    connect(&m_local, &TurnRunner::finished, this, &ChatController::onTurnFinished);
    connect(&m_remote, &TurnRunner::finished, this, &ChatController::onTurnFinished);
    if (m_tools != nullptr) {
        connect(m_tools, &ToolsController::callFinished, this, &ChatController::onToolFinished);
        connect(m_tools, &ToolsController::serversChanged, this, &ChatController::toolsChanged);
    }
    // Another model: the answer under way stops first.
    connect(m_host, &ModelHost::aboutToSwitch, this, [this] {
        if (generating()) {
            stop();
        }
    });
    connect(m_host, &ModelHost::modelChanged, this, [this] {
        m_contextUsed = 0;
        Q_EMIT statsChanged();
    });
    connect(m_host, &ModelHost::modelLoadFailed, this, [this](const QString& error) {
        m_answerAgainWhenLoaded = false;
        setError(say(QT_TR_NOOP("The model could not be loaded: %1"), {UiText::of(error)}));
    });
    connect(m_host, &ModelHost::modelReady, this, [this] {
        if (m_answerAgainWhenLoaded) {  // the context was raised for this conversation
            m_answerAgainWhenLoaded = false;
            regenerate();
        }
    });
    connect(m_host, &ModelHost::tokensCounted, this, [this](int serial, qint64 tokens, qint64 nCtx) {
        if (serial == m_countSerial) {
            m_draftTokens = tokens;
            m_draftContext = nCtx;
            if (tokens > 0 && m_draftBytes > 0) {  // how this model's tokenizer packs text
                m_bytesPerToken = std::clamp(static_cast<double>(m_draftBytes) / static_cast<double>(tokens), 1.0, 8.0);
            }
            Q_EMIT draftTokensChanged();
        }
    });

    m_frameTimer.setInterval(16);
    connect(&m_frameTimer, &QTimer::timeout, this, &ChatController::drainStream);
    reloadConversations();
}

ChatController::~ChatController() {
    m_local.cancel();
    m_host->waitForEngine();  // the engine writes into m_local's buffer until its turn returns
    m_remote.cancel();
}

void ChatController::openLatest() {
    m_storage->post(
        this,
        [](st::database& db) -> qint64 {
            // The most recently updated, pinned or not (the list puts pinned ones first).
            const auto list = st::conversation_store(db).list_conversations();
            const auto latest = std::max_element(
                list.begin(), list.end(), [](const auto& a, const auto& b) { return a.updated_at < b.updated_at; });
            return latest == list.end() ? qint64{0} : static_cast<qint64>(latest->id);
        },
        [this](qint64 id) {
            if (id != 0 && m_conversationId == 0 && m_openSerial == 0) {
                openConversation(id);
            }
        });
}

QString ChatController::conversationTitle() const {
    const auto* c = m_conversations.find(m_conversationId);
    return c != nullptr ? QString::fromStdString(c->title) : QString();
}

bool ChatController::storageUsable() {
    if (!m_storageError.isEmpty()) {
        setError(say(QT_TR_NOOP("Conversations cannot be saved: %1"), {UiText::of(m_storageError)}));
        return false;
    }
    return true;
}

void ChatController::setError(const UiText& text) {
    m_errorText = text;
    Q_EMIT errorTextChanged();
}

void ChatController::setError(const QString& text) { setError(UiText::plain(text)); }

UiText ChatController::say(const char* source, QList<UiText> args) {
    return UiText::translated(staticMetaObject, source, std::move(args));
}

bool ChatController::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::LanguageChange && watched == QCoreApplication::instance() && !m_errorText.isEmpty()) {
        Q_EMIT errorTextChanged();  // read again, in the new language
    }
    return false;
}

void ChatController::clearError() { setError(UiText{}); }

bool ChatController::copyLastAnswer() const {
    const auto& rows = m_messages.rows();
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
        if (it->message.role == "assistant" && !it->message.content.empty()) {
            copyToClipboard(QString::fromStdString(it->message.content));
            return true;
        }
    }
    return false;
}

void ChatController::copyToClipboard(const QString& text) const {
    if (auto* cb = QGuiApplication::clipboard()) {
        cb->setText(text);
    }
}

void ChatController::onContextFull(qint64 messageId, qint64 needed, qint64 nCtx) {
    m_contextProblem = {{QStringLiteral("messageId"), messageId},
                        {QStringLiteral("needed"), needed},
                        {QStringLiteral("nCtx"), nCtx},
                        {QStringLiteral("suggested"), 0},
                        {QStringLiteral("byMemory"), 0}};
    Q_EMIT contextProblemChanged();
    // What the model and the memory allow, read off the GUI thread; room for an answer too.
    const qint64 wanted = needed + std::min<qint64>(m_settings->maxTokens(), std::max<qint64>(1024, needed / 4));
    runOffThread(
        this, [path = m_host->modelPath(), wanted] { return ModelHost::contextFor(path, wanted); },
        [this, messageId, nCtx](const QVariantMap& limits) {
            if (m_contextProblem.value(QStringLiteral("messageId")).toLongLong() != messageId) {
                return;  // solved or dismissed meanwhile
            }
            const qint64 suggested = limits.value(QStringLiteral("suggested")).toLongLong();
            m_contextProblem[QStringLiteral("suggested")] = suggested > nCtx ? suggested : 0;
            m_contextProblem[QStringLiteral("byMemory")] = limits.value(QStringLiteral("byMemory"));
            Q_EMIT contextProblemChanged();
        });
}

QUrl ChatController::startFolder(const QString& kind) const {
    if (kind == QLatin1String("models")) {
        const QString models = m_settings->modelsFolder();
        if (QFileInfo(models).isDir()) {
            return QUrl::fromLocalFile(models);
        }
    }
    const auto type =
        kind == QLatin1String("downloads") ? QStandardPaths::DownloadLocation : QStandardPaths::DocumentsLocation;
    const QString folder = QStandardPaths::writableLocation(type);
    return QUrl::fromLocalFile(QFileInfo(folder).isDir() ? folder : QDir::homePath());
}

QString ChatController::exportFileName(const QString& title) const {
    QString name;
    for (const QChar c : title) {
        // What no file system or file manager takes well: separators, wildcards, controls.
        const bool bad = c.category() == QChar::Other_Control || QStringLiteral("/\\:*?\"<>|").contains(c);
        name += bad ? QLatin1Char(' ') : c;
    }
    name = name.simplified().left(80).trimmed();
    while (name.startsWith(QLatin1Char('.'))) {  // not a hidden file
        name.remove(0, 1);
    }
    if (name.isEmpty()) {
        name = tr("DeepDesk conversations %1").arg(QDate::currentDate().toString(Qt::ISODate));
    }
    return name + QStringLiteral(".md");
}

}  // namespace deepdesk::app
