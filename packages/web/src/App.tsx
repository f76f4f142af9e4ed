import { useCallback, useEffect, useState } from 'react';
import { api, setUnauthorizedHandler, type User } from './api';
import { Layout } from './components/Layout';
import { EventDetail } from './pages/EventDetail';
import { Events } from './pages/Events';
import { Live } from './pages/Live';
import { Login } from './pages/Login';
import { Recordings } from './pages/Recordings';
import { System } from './pages/System';
import { navigate, useLocation } from './router';

/** Checks the session once, then shows the page the path names, or the login page. */
export function App() {
  const { path, query } = useLocation();
  const [user, setUser] = useState<User | null | undefined>(undefined);

  const toLogin = useCallback(() => {
    setUser(null);
    if (window.location.pathname !== '/login') {
      const next = window.location.pathname + window.location.search;
      navigate(`/login?next=${encodeURIComponent(next)}`, { replace: true });
    }
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(toLogin);
    api.session().then(({ user: current }) => (current ? setUser(current) : toLogin()), toLogin);
  }, [toLogin]);

  if (user === undefined) return <p className="loading">Loading…</p>;
  if (user === null || path === '/login') {
    return (
      <Login
        onLogin={(u) => {
          setUser(u);
          const next = query.get('next');
          navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
        }}
      />
    );
  }

  let page;
  const eventMatch = /^\/events\/([^/]+)$/.exec(path);
  if (path === '/') page = <Live />;
  else if (path === '/events') page = <Events query={query} />;
  else if (eventMatch) page = <EventDetail id={decodeURIComponent(eventMatch[1]!)} user={user} />;
  else if (path === '/recordings') page = <Recordings query={query} />;
  else if (path === '/system') page = <System />;
  else page = <p role="alert">No page at {path}.</p>;

  return (
    <Layout
      path={path}
      user={user}
      onLogout={() => {
        void api.logout().finally(toLogin);
      }}
    >
      {page}
    </Layout>
  );
}
