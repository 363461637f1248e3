; The Windows installer of phongtrao, for Debian's makensis (scripts/windows.sh runs it):
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DSRC=<folder with the .exe and .dll> -DOUT=<setup.exe> phongtrao.nsi
; Per-user (no administrator needed): the programs go to %LOCALAPPDATA%\Programs\phongtrao, the shortcuts
; to the officer's own Start menu, the uninstaller is registered for the officer only. The officer's data
; (the store and its backups, in %APPDATA%) is never touched by the installer nor the uninstaller.
; The window needs the Microsoft Edge WebView2 Runtime (on Windows 11, and on Windows 10 since 2018 through
; Windows Update): the installer checks for it and tells the officer in Vietnamese what to do when missing.
; A province that hands out laptops without it can put Microsoft's offline installer
; (MicrosoftEdgeWebView2RuntimeInstallerX64.exe) beside this script: it is then carried and run.

; A 64-bit installer (the programs are x86_64 only): it also runs under a 64-bit-only Wine.
Target amd64-unicode
!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

!ifndef VERSION
  !error "makensis -DVERSION=x.y.z"
!endif
!ifndef SRC
  !error "makensis -DSRC=<thư mục chứa phongtrao.exe, phongtrao-app.exe, WebView2Loader.dll>"
!endif
!ifndef OUT
  !define OUT "phongtrao-${VERSION}-setup.exe"
!endif

!define APPNAME "Phong trào bảo vệ an ninh Tổ quốc"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\phongtrao"
; The WebView2 Runtime's client id (Microsoft's documentation, "Detect if a WebView2 Runtime is installed").
!define WEBVIEW2 "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Name "${APPNAME}"
OutFile "${OUT}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\phongtrao"
InstallDirRegKey HKCU "Software\phongtrao" "InstallDir"
SetCompressor /SOLID lzma
BrandingText "phongtrao ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "phongtrao"
VIAddVersionKey /LANG=0 "FileDescription" "Cài đặt phongtrao"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT OR Apache-2.0"

!define MUI_ICON "..\..\icons\icon.ico"
!define MUI_UNICON "..\..\icons\icon.ico"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "Cài đặt phongtrao ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "Chương trình sẽ cài phongtrao, sổ theo dõi phong trào toàn dân bảo vệ an ninh Tổ quốc của Công an xã, phường, đặc khu, cho riêng tài khoản Windows này (không cần quyền quản trị).$\r$\n$\r$\nDữ liệu của đơn vị (kho dữ liệu và các bản sao lưu) không bị thay đổi khi cài, nâng cấp hay gỡ chương trình.$\r$\n$\r$\nBấm «Tiến» để tiếp tục."
!define MUI_FINISHPAGE_RUN "$INSTDIR\phongtrao-app.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Mở phongtrao ngay"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Vietnamese"

; Is the WebView2 Runtime there? Machine-wide (32- or 64-bit registry view) or for this user only.
Function HasWebView2
  Push $0
  SetRegView 64
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKLM "SOFTWARE\Microsoft\EdgeUpdate\Clients\${WEBVIEW2}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2}" "pv"
  ${EndIf}
  SetRegView lastused
  ${If} $0 == "0.0.0.0"
    StrCpy $0 ""
  ${EndIf}
  Exch $0
FunctionEnd

Section "phongtrao" SecMain
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  File "${SRC}\phongtrao-app.exe"
  File "${SRC}\phongtrao.exe"
  ; The GNU build loads WebView2 through this DLL; an MSVC build links the loader in and has none.
!if /FileExists "${SRC}\WebView2Loader.dll"
  File "${SRC}\WebView2Loader.dll"
!endif
  File "/oname=phongtrao.ico" "..\..\icons\icon.ico"
  WriteUninstaller "$INSTDIR\go-cai-dat.exe"

  ; The Start menu: the window, and a command prompt where `phongtrao` is on the PATH.
  CreateDirectory "$SMPROGRAMS\phongtrao"
  CreateShortcut "$SMPROGRAMS\phongtrao\Phong trào bảo vệ an ninh Tổ quốc.lnk" "$INSTDIR\phongtrao-app.exe" "" "$INSTDIR\phongtrao.ico"
  CreateShortcut "$SMPROGRAMS\phongtrao\Dòng lệnh phongtrao.lnk" "$SYSDIR\cmd.exe" '/k "set PATH=$INSTDIR;%PATH%&& phongtrao --help"' "$INSTDIR\phongtrao.ico"
  CreateShortcut "$SMPROGRAMS\phongtrao\Gỡ cài đặt phongtrao.lnk" "$INSTDIR\go-cai-dat.exe"

  ; The officer's "Apps and features" entry, for this user.
  WriteRegStr HKCU "Software\phongtrao" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "phongtrao — ${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "phongtrao"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\phongtrao.ico"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\go-cai-dat.exe"'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1

  ; The window needs WebView2: install it from the carried installer, or say what to do.
  Call HasWebView2
  Pop $0
  ${If} $0 == ""
!if /FileExists "MicrosoftEdgeWebView2RuntimeInstallerX64.exe"
    DetailPrint "Đang cài Microsoft Edge WebView2 Runtime (cần cho cửa sổ phongtrao)…"
    SetOutPath "$PLUGINSDIR"
    File "MicrosoftEdgeWebView2RuntimeInstallerX64.exe"
    ExecWait '"$PLUGINSDIR\MicrosoftEdgeWebView2RuntimeInstallerX64.exe" /silent /install' $1
    SetOutPath "$INSTDIR"
    Call HasWebView2
    Pop $0
!endif
  ${EndIf}
  ${If} $0 == ""
    MessageBox MB_OK|MB_ICONEXCLAMATION "Máy này chưa có Microsoft Edge WebView2 Runtime, phần mềm của Microsoft mà cửa sổ phongtrao cần để hiển thị.$\r$\n$\r$\nphongtrao đã được cài, nhưng cửa sổ sẽ chưa mở được. Cách khắc phục:$\r$\n1. Nếu máy có mạng: mở Windows Update và cập nhật, hoặc tải «Evergreen Standalone Installer» (x64) tại trang Microsoft Edge WebView2 rồi cài.$\r$\n2. Nếu máy không có mạng: xin cán bộ kỹ thuật của Công an tỉnh tệp MicrosoftEdgeWebView2RuntimeInstallerX64.exe (chép qua USB) và chạy tệp đó.$\r$\nSau đó mở lại phongtrao từ menu Start. Dòng lệnh phongtrao vẫn dùng được ngay." /SD IDOK
    DetailPrint "Chưa có Microsoft Edge WebView2 Runtime: cửa sổ chưa mở được cho đến khi cài nó."
  ${Else}
    DetailPrint "Đã có Microsoft Edge WebView2 Runtime $0."
  ${EndIf}
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  ; Only the programs and shortcuts: the officer's data in %APPDATA% stays.
  Delete "$INSTDIR\phongtrao-app.exe"
  Delete "$INSTDIR\phongtrao.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\phongtrao.ico"
  Delete "$INSTDIR\go-cai-dat.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\phongtrao\Phong trào bảo vệ an ninh Tổ quốc.lnk"
  Delete "$SMPROGRAMS\phongtrao\Dòng lệnh phongtrao.lnk"
  Delete "$SMPROGRAMS\phongtrao\Gỡ cài đặt phongtrao.lnk"
  RMDir "$SMPROGRAMS\phongtrao"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegKey HKCU "Software\phongtrao"
SectionEnd

Function un.onUninstSuccess
  MessageBox MB_OK|MB_ICONINFORMATION "Đã gỡ phongtrao. Dữ liệu của đơn vị và các bản sao lưu vẫn còn trên máy; cài lại phongtrao sẽ mở được chúng." /SD IDOK
FunctionEnd
