// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/offlineqml.h"

#include "app/mathimage.h"

#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QQmlEngine>
#include <QQmlNetworkAccessManagerFactory>

namespace deepdesk::app {
namespace {

class LocalOnlyAccessManager : public QNetworkAccessManager {
public:
    using QNetworkAccessManager::QNetworkAccessManager;

protected:
    QNetworkReply* createRequest(Operation op, const QNetworkRequest& request, QIODevice* data) override {
        const QString scheme = request.url().scheme();
        if (scheme == QLatin1String("qrc") || scheme == QLatin1String("file") || scheme == QLatin1String("data")) {
            return QNetworkAccessManager::createRequest(op, request, data);
        }
        // A request with no URL fails at once (ProtocolUnknownError), without a connection.
        return QNetworkAccessManager::createRequest(op, QNetworkRequest(QUrl()), nullptr);
    }
};

class LocalOnlyFactory : public QQmlNetworkAccessManagerFactory {
public:
    QNetworkAccessManager* create(QObject* parent) override { return new LocalOnlyAccessManager(parent); }
};

}  // namespace

void keepQmlOffline(QQmlEngine& engine) {
    static LocalOnlyFactory factory;  // outlives every engine; create() is called from several threads
    engine.setNetworkAccessManagerFactory(&factory);
    // The one image source answers use: formulas drawn here (app/mathimage.h), never fetched.
    engine.addImageProvider(QStringLiteral("math"), new MathImageProvider);
}

}  // namespace deepdesk::app
