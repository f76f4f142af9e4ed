import type { ReactNode } from 'react';
import type { User } from '../api';
import { onLinkClick } from '../router';

const PAGES = [
  { href: '/', label: 'Live' },
  { href: '/events', label: 'Events' },
  { href: '/recordings', label: 'Recordings' },
  { href: '/system', label: 'System' },
];

export function Layout({
  path,
  user,
  onLogout,
  children,
}: {
  path: string;
  user: User;
  onLogout: () => void;
  children: ReactNode;
}) {
  const current = (href: string) => (href === '/' ? path === '/' : path.startsWith(href));
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">shiriki</span>
        <nav aria-label="Pages">
          {PAGES.map((p) => (
            <a
              key={p.href}
              href={p.href}
              onClick={onLinkClick}
              aria-current={current(p.href) ? 'page' : undefined}
            >
              {p.label}
            </a>
          ))}
        </nav>
        <span className="user">
          {user.username}
          <button type="button" onClick={onLogout}>
            Log out
          </button>
        </span>
      </header>
      {user.must_change_password && (
        <p className="notice" role="status">
          You are using the generated first password. Change it with <code>POST /api/auth/password</code>.
        </p>
      )}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
